"""Heavy work is shared fairly: maps are keyed by the data they show, and one server's flood of
renders cannot hold back another server's picture by more than the render already running."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import itertools
import time

from bot.facts.records import SNAPSHOT_DATE, Facts
from bot.pictures.renderer import Picture, PictureRenderer, shown_date

FLOOD = 250
JOB = 0.01  # seconds per synthetic render; a real map takes ~0.3–1 s (see the report)


def _job(seconds: float, name: str) -> Picture:
    time.sleep(seconds)  # stands in for matplotlib, in the worker process
    return Picture(b"png", name)


def test_a_map_date_is_normalised_to_the_data_it_shows(facts: Facts) -> None:
    latest = facts.latest_event_date
    assert shown_date(facts, dt.date(2030, 1, 1)) == latest
    assert shown_date(facts, dt.date(9999, 12, 31)) == latest
    assert shown_date(facts, SNAPSHOT_DATE) == SNAPSHOT_DATE
    dates = sorted({e.effective for e in facts.events})
    for before, after in itertools.pairwise(dates):
        between = before + (after - before) // 2
        assert shown_date(facts, between) == before
        assert shown_date(facts, after) == after
    assert shown_date(facts, dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)  # refused later


async def test_many_dates_after_the_latest_event_are_one_render(facts: Facts) -> None:
    renderer = PictureRenderer()
    try:
        days = [facts.latest_event_date + dt.timedelta(days=n) for n in range(0, 2000, 7)]
        pictures = await asyncio.gather(*(renderer.recognition_map(facts, d) for d in days))
    finally:
        await renderer.close()
    # One real render reached the worker, for the date the map shows (its name says so).
    assert renderer.renders == 1
    assert {p.data for p in pictures} == {pictures[0].data}
    assert {p.filename for p in pictures} == {f"recognition-map-{facts.latest_event_date}.png"}
    assert renderer.cache_info().entries == 1


async def _delay_of_other_server(renderer: PictureRenderer, *, fair: bool) -> float:
    flood = [asyncio.ensure_future(renderer._get(None, functools.partial(_job, JOB, f"a{i}"),
                                                 "guild-a" if fair else None))
             for i in range(FLOOD)]
    await asyncio.sleep(0)
    started = time.monotonic()
    await renderer._get(None, functools.partial(_job, JOB, "b"), "guild-b" if fair else None)
    delay = time.monotonic() - started
    await asyncio.gather(*flood)
    return delay


async def test_one_servers_flood_does_not_delay_another_servers_reveal() -> None:
    renderer = PictureRenderer()
    try:
        before = await _delay_of_other_server(renderer, fair=False)  # one lane: FIFO
        after = await _delay_of_other_server(renderer, fair=True)
    finally:
        await renderer.close()
    print(f"\nflood of {FLOOD} renders of {JOB * 1000:.0f} ms from one server: another "
          f"server's render waited {before:.2f} s in one queue, {after:.3f} s with lanes")
    assert before >= FLOOD * JOB * 0.9  # the whole backlog
    assert after < 3 * JOB + 0.5  # the running render, its own, and scheduling noise
    assert after < 1.0
