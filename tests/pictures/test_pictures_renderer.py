"""The async facade: the render worker process, cache, invalidation, shutdown, crashes."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable

import pytest

from bot.facts.records import Facts
from bot.pictures import worker
from bot.pictures._cache import LRUCache
from bot.pictures.renderer import PictureRenderer, RendererClosed, RenderWorkerCrashed


@pytest.fixture
async def renderer() -> AsyncIterator[PictureRenderer]:
    r = PictureRenderer()
    yield r
    await r.close()


class Renders:
    """How many renders reached the worker process (a monkeypatched job would not count
    there: the worker imports its own copy of the module)."""

    def __init__(self, renderer: PictureRenderer) -> None:
        self.renderer = renderer

    def __len__(self) -> int:
        return self.renderer.renders


@pytest.fixture
def chart_calls(renderer: PictureRenderer) -> Renders:
    return Renders(renderer)


def gone(pid: int) -> bool:
    """The process has exited and been reaped (no zombie left either)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] in "ZX"
    except FileNotFoundError:
        return True


async def test_cached_render_returns_the_same_bytes(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders,
    size_of: Callable[[bytes], tuple[int, int]],
) -> None:
    first = await renderer.defectors_chart(facts)
    again = await renderer.defectors_chart(facts)
    assert again.data == first.data
    assert size_of(again.data) == (1000, 560)
    assert len(chart_calls) == 1  # the second call never reached the worker
    info = renderer.cache_info()
    assert (info.hits, info.entries, info.bytes) == (1, 1, len(first.data))


async def test_different_parameters_are_different_entries(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders
) -> None:
    plain = await renderer.defectors_chart(facts)
    highlighted = await renderer.defectors_chart(facts, highlight_year=2012)
    assert plain.data != highlighted.data
    assert len(chart_calls) == 2


async def test_a_new_facts_version_misses_the_cache(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders
) -> None:
    await renderer.defectors_chart(facts)
    reloaded = dataclasses.replace(facts, version="other")
    await renderer.defectors_chart(reloaded)
    assert len(chart_calls) == 2
    assert renderer.cache_info().entries == 2


async def test_clear_forgets_everything(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders
) -> None:
    await renderer.defectors_chart(facts)
    renderer.clear()
    assert renderer.cache_info().entries == 0
    await renderer.defectors_chart(facts)
    assert len(chart_calls) == 2


async def test_facts_without_a_version_are_never_cached(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders
) -> None:
    unversioned = dataclasses.replace(facts, version="")
    await renderer.defectors_chart(unversioned)
    await renderer.defectors_chart(unversioned)
    assert len(chart_calls) == 2
    assert renderer.cache_info().entries == 0


async def test_concurrent_identical_requests_share_one_render(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders
) -> None:
    pictures = await asyncio.gather(*(renderer.defectors_chart(facts) for _ in range(3)))
    assert len(chart_calls) == 1
    assert len({p.data for p in pictures}) == 1


async def test_rendering_happens_in_the_worker_process(
    renderer: PictureRenderer, facts: Facts, chart_calls: Renders
) -> None:
    await renderer.defectors_chart(facts, span=(2010, 2012))
    assert len(chart_calls) == 1
    (pid,) = renderer.worker_pids()
    assert pid != os.getpid()
    assert await renderer._run(worker.ping) == pid  # the same worker serves every job


def test_facts_travel_to_the_worker_intact(facts: Facts) -> None:
    """Jobs carry the snapshot pickled once (see bot.pictures.worker): it must pickle, and
    come back equal, with the same version, without the sender's memo."""
    _ = facts.years  # fill the memo: it must not travel
    sent = worker.parcel(facts)
    assert worker.parcel(facts) is sent  # pickled once per snapshot
    assert sent.version == facts.version
    received = pickle.loads(sent.blob)
    assert received == facts
    assert received.version == facts.version
    assert received._memo == {}
    assert pickle.loads(pickle.dumps(sent)) == sent  # what the pool pipes to the worker


async def test_filenames(renderer: PictureRenderer, facts: Facts) -> None:
    chart = await renderer.defectors_chart(facts)
    assert chart.filename == "defectors-2002-2025.png"
    detail = await renderer.defectors_chart(facts, highlight_year=2012, span=(2010, 2015))
    assert detail.filename == "defectors-2010-2015-highlight-2012.png"
    bucket = await renderer.defectors_chart(facts, highlight_year=2000)
    assert bucket.filename == "defectors-2002-2025.png"  # nothing was highlighted
    assert bucket.data == chart.data
    latest = facts.latest_event_date
    world = await renderer.recognition_map(facts, latest)
    assert world.filename == f"recognition-map-{latest.isoformat()}.png"
    assert world.data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_map_is_cached_per_date(renderer: PictureRenderer, facts: Facts) -> None:
    a = await renderer.recognition_map(facts, dt.date(2024, 6, 1))
    b = await renderer.recognition_map(facts, dt.date(2024, 6, 1))
    c = await renderer.recognition_map(facts, dt.date(2025, 12, 31))
    assert a.data == b.data != c.data
    assert renderer.cache_info().entries == 2


async def test_errors_reach_the_caller_and_are_not_cached(
    renderer: PictureRenderer, facts: Facts
) -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="no single calendar years"):
            await renderer.defectors_chart(facts, span=(1990, 1995))
    assert renderer.cache_info().entries == 0


async def test_closed_renderer_refuses_work(facts: Facts) -> None:
    r = PictureRenderer()
    await r.warm_up()
    await r.close()
    with pytest.raises(RendererClosed):
        await r.defectors_chart(facts)
    await r.close()  # closing twice is harmless


async def test_warm_up_with_facts_fills_the_cache(facts: Facts) -> None:
    r = PictureRenderer()
    try:
        await r.warm_up(facts)
        assert r.cache_info().entries == 2
    finally:
        await r.close()


def test_lru_evicts_the_least_recently_used() -> None:
    cache: LRUCache[bytes] = LRUCache(max_entries=2, max_bytes=100, size_of=len)
    cache.put("a", b"1")
    cache.put("b", b"2")
    assert cache.get("a") == b"1"  # "a" is now the most recent
    cache.put("c", b"3")
    assert "b" not in cache
    assert "a" in cache
    assert "c" in cache


def test_lru_is_bounded_by_bytes() -> None:
    cache: LRUCache[bytes] = LRUCache(max_entries=10, max_bytes=10, size_of=len)
    cache.put("a", b"x" * 6)
    cache.put("b", b"x" * 6)
    assert list(k for k in ("a", "b") if k in cache) == ["b"]
    cache.put("huge", b"x" * 11)  # larger than the whole budget: not stored, nothing evicted
    assert "huge" not in cache
    assert "b" in cache
    assert cache.info().bytes == 6


def test_importing_the_renderer_loads_no_plotting_library() -> None:
    code = (
        "import os, sys, bot.pictures.renderer\n"
        "heavy = [m for m in ('matplotlib', 'numpy', 'PIL') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert os.environ.get('MPLCONFIGDIR'), 'MPLCONFIGDIR must be set before matplotlib'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stderr


async def test_close_stops_the_worker_process(facts: Facts) -> None:
    r = PictureRenderer()
    await r.defectors_chart(facts)
    (pid,) = r.worker_pids()
    await r.close()
    assert gone(pid)
    assert r.worker_pids() == []


async def test_a_killed_worker_is_replaced_by_the_next_render(
    renderer: PictureRenderer, facts: Facts
) -> None:
    first = await renderer.defectors_chart(facts)
    (old,) = renderer.worker_pids()
    os.kill(old, signal.SIGKILL)
    # The next render (a cache miss) gets a fresh worker, whether or not the pool has
    # noticed the death yet; the cached picture never needed the worker at all.
    again = await renderer.defectors_chart(facts, highlight_year=2012)
    assert again.filename == "defectors-2002-2025-highlight-2012.png"
    (new,) = renderer.worker_pids()
    assert new != old
    assert gone(old)
    assert renderer.restarts == 1
    assert (await renderer.defectors_chart(facts)).data == first.data


async def test_a_render_that_kills_its_worker_fails_alone(
    renderer: PictureRenderer, facts: Facts
) -> None:
    """A job that kills every worker it runs on is tried twice, then fails with
    RenderWorkerCrashed; the renders after it are drawn by a new worker."""
    with pytest.raises(RenderWorkerCrashed):
        await renderer._run(_die)
    assert renderer.restarts == 2
    picture = await renderer.defectors_chart(facts)
    assert picture.filename == "defectors-2002-2025.png"


def _die() -> None:
    os._exit(3)  # in the worker: as a segfault in a C library would end it


def test_the_worker_exits_when_the_bot_is_killed() -> None:
    """SIGKILL gives the bot no chance to close the pool: the worker notices on its own."""
    code = (
        "import asyncio, sys, time\n"
        "from bot.pictures.renderer import PictureRenderer\n"
        "async def main():\n"
        "    r = PictureRenderer()\n"
        "    await r.warm_up()\n"
        "    print(*r.worker_pids(), flush=True)\n"
        "    time.sleep(600)\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    )
    bot = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        (pid,) = map(int, bot.stdout.readline().split())
        assert not gone(pid)
    finally:
        bot.kill()
        bot.wait()
    deadline = time.monotonic() + 10
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gone(pid)
