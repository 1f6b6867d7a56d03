"""A snapshot's one cache (Facts.memo) and the bot's one number formatter."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.facts import defectors
from bot.facts.files import read_facts
from bot.facts.format import num, signed, signed_pct
from bot.facts.recognition import status_at


def test_memo_computes_once_per_snapshot_and_key() -> None:
    facts = read_facts()
    calls: list[int] = []
    assert facts.memo("test-key", lambda: calls.append(1) or 42) == 42
    assert facts.memo("test-key", lambda: calls.append(1) or 43) == 42
    assert calls == [1]
    # A copy (as a reload or a test's altered data makes) starts with an empty memo.
    copy = dataclasses.replace(facts)
    assert copy.memo("test-key", lambda: 7) == 7


def test_derived_tables_and_statuses_are_memoized_on_the_snapshot() -> None:
    facts = read_facts()
    assert facts.years is facts.years
    assert facts.year_by_number[2009].total == 2914
    latest = facts.latest_event_date
    # Every date after the last event shares the latest statuses.
    assert status_at(facts, latest) is status_at(facts, latest + dt.timedelta(days=400))
    changed = dataclasses.replace(facts, events=())
    assert changed.latest_event_date < latest
    assert status_at(changed, latest) is not status_at(facts, latest)


def test_one_number_formatter() -> None:
    assert num(2914) == "2,914"
    assert (signed(644), signed(-1204), signed(0)) == ("+644", "−1,204", "±0")
    assert (signed_pct(12.34), signed_pct(-4.0), signed_pct(0.0)) == ("+12.3%", "−4.0%",
                                                                     "±0.0%")
    # The answers' module and the quiz write numbers with the same function, not a copy.
    assert defectors.fmt is num
    assert defectors.signed is signed
