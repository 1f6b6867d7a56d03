"""Who recognizes Israel, Palestine, both or neither, on any date since the article's snapshot.

The article's snapshot (2023-11-14) is the base; dated events after it are applied in order.
Its convention is kept throughout: Israel counts itself, and cutting or suspending relations
counts as not recognizing (the detail says so, because no state formally withdrew recognition).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from bot.facts.records import (
    SNAPSHOT_DATE,
    Category,
    Facts,
    IsraelStatus,
    RecognitionEvent,
)


@dataclass(frozen=True, slots=True)
class StateStatus:
    iso3: str
    recognizes_israel: bool
    israel_status: IsraelStatus
    israel_recognition_date: str
    recognizes_palestine: bool
    palestine_recognition_date: str
    events: tuple[RecognitionEvent, ...] = ()  # events after the snapshot up to the date

    @property
    def category(self) -> Category:
        if self.recognizes_israel and self.recognizes_palestine:
            return Category.BOTH
        if self.recognizes_israel:
            return Category.ISRAEL_ONLY
        if self.recognizes_palestine:
            return Category.PALESTINE_ONLY
        return Category.NEITHER


class AsOfError(ValueError):
    """An as-of date the data cannot answer for."""


def _apply(status: StateStatus, event: RecognitionEvent) -> StateStatus:
    status = replace(status, events=(*status.events, event))
    if event.change == "palestine=yes":
        return replace(status, recognizes_palestine=True, palestine_recognition_date=event.date)
    if event.change == "israel=no":
        return replace(status, recognizes_israel=False, israel_status=IsraelStatus.SUSPENDED)
    if event.change == "israel=yes":
        return replace(status, recognizes_israel=True, israel_status=IsraelStatus.RECOGNIZES)
    return status  # "none": recorded for the reader, no change of status


def status_at(facts: Facts, as_of: dt.date) -> dict[str, StateStatus]:
    """Every member's status at the end of ``as_of`` (memoized per snapshot and date)."""
    if as_of < SNAPSHOT_DATE:
        raise AsOfError(as_of)
    # Dates after the last event all share the latest status: cache them under one key.
    key = ("status", min(as_of, facts.latest_event_date))
    cached = facts._cache.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    statuses = {
        r.iso3: StateStatus(r.iso3, r.recognizes_israel, r.israel_status,
                            r.israel_recognition_date, r.recognizes_palestine,
                            r.palestine_recognition_date)
        for r in facts.snapshot
    }
    for event in facts.events:
        if event.effective <= as_of:
            statuses[event.iso3] = _apply(statuses[event.iso3], event)
    facts._cache[key] = statuses
    return statuses


def category_counts(statuses: dict[str, StateStatus]) -> dict[str, int]:
    """Counts recognizing Israel, Palestine, and each of the four categories."""
    by_category = Counter(s.category for s in statuses.values())
    return {
        "israel": sum(s.recognizes_israel for s in statuses.values()),
        "palestine": sum(s.recognizes_palestine for s in statuses.values()),
        **{c.value: by_category.get(c, 0) for c in Category},
    }


def states_in(facts: Facts, category: Category, as_of: dt.date) -> list[str]:
    """ISO3 codes in a category, ordered by the state's name."""
    statuses = status_at(facts, as_of)
    members = facts.member_by_iso3
    chosen = [iso3 for iso3, s in statuses.items() if s.category is category]
    return sorted(chosen, key=lambda c: members[c].name.casefold())


def events_for(facts: Facts, iso3: str) -> list[RecognitionEvent]:
    return [e for e in facts.events if e.iso3 == iso3]


def parse_as_of(text: str | None, facts: Facts) -> dt.date:
    """A user's ``as_of`` string → date; ``None`` means the latest date in the data."""
    if text is None or not text.strip():
        return facts.latest_event_date
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise AsOfError(f"{text.strip()[:40]!r} is not a date in the form YYYY-MM-DD") from None
    if value < SNAPSHOT_DATE:
        raise AsOfError(
            f"the data starts with the article's snapshot of {SNAPSHOT_DATE:%-d %B %Y}; "
            "earlier dates are not covered"
        )
    return value
