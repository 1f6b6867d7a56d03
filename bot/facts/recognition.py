"""Who recognizes Israel, Palestine, both or neither, on any date since the article's snapshot.

The article's snapshot (2023-11-14) is the base; dated events after it are applied in order.
Its convention is kept throughout: Israel counts itself, and cutting or suspending relations
counts as not recognizing (the detail says so, because no state formally withdrew recognition).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, replace

from bot.facts.records import (
    SNAPSHOT_DATE,
    Category,
    Facts,
    IsraelStatus,
    RecognitionEvent,
)
from bot.i18n import N_, _, current


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
    # Dates after the last event all share the latest status: memoized under one key.
    return facts.memo(("status_at", min(as_of, facts.latest_event_date)),
                      lambda: _replay(facts, as_of))


def _replay(facts: Facts, as_of: dt.date) -> dict[str, StateStatus]:
    statuses = {
        r.iso3: StateStatus(r.iso3, r.recognizes_israel, r.israel_status,
                            r.israel_recognition_date, r.recognizes_palestine,
                            r.palestine_recognition_date)
        for r in facts.snapshot
    }
    for event in facts.events:
        if event.effective <= as_of:
            statuses[event.iso3] = _apply(statuses[event.iso3], event)
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


def parse_as_of(text: str | None, facts: Facts) -> dt.date:
    """A user's ``as_of`` string → date; ``None`` means the latest date in the data."""
    if text is None or not text.strip():
        return facts.latest_event_date
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise AsOfError(_("{text} is not a date in the form YYYY-MM-DD", text=repr(text[:40])))
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise AsOfError(_("{text} is not a real date", text=text)) from None
    if value < SNAPSHOT_DATE:
        lang = current()
        raise AsOfError(_(
            "the data starts with the article's snapshot of {date}; earlier dates are not "
            "covered",
            date=SNAPSHOT_DATE.strftime("%-d %B %Y") if lang.is_default else lang.date(SNAPSHOT_DATE)))
    return value


SNAPSHOT_SOURCE = (
    "Visual Capitalist, 'Mapped: Which Countries Recognize Israel or Palestine, or Both?' "
    "(as of 14 Nov 2023, from Wikipedia) "
    "https://www.visualcapitalist.com/recognition-of-israel-and-palestine-map/"
)

# Recognition dates these states inherited (reference README), with the year each state began
# on its own: a date before it is the predecessor's act, and is shown as such.
PREDECESSORS = {"RUS": (N_("the USSR"), 1992), "CZE": (N_("Czechoslovakia"), 1993),
                "SVK": (N_("Czechoslovakia"), 1993), "SRB": (N_("Yugoslavia"), 1992)}


def inherited_from(iso3: str, date: str) -> str | None:
    """The predecessor state whose act a recognition date records, if any."""
    found = PREDECESSORS.get(iso3)
    if found is None or not date or int(date[:4]) >= found[1]:
        return None
    return found[0]


def event_source(facts: Facts, event: RecognitionEvent) -> str:
    """The event's source, following "same as <Country> row" references."""
    match = event.source.strip().lower()
    if match.startswith("same as ") and match.endswith(" row"):
        name = event.source.strip()[len("same as "):-len(" row")]
        for other in facts.events:
            if facts.member_by_iso3[other.iso3].name == name and other is not event:
                return other.source
    return event.source


@dataclass(frozen=True, slots=True)
class CountryView:
    """Everything `/recognition country` shows for one state on one date."""

    iso3: str
    as_of: dt.date
    now: StateStatus
    at_snapshot: StateStatus
    later: tuple[RecognitionEvent, ...]  # events after ``as_of``
    dispute: str
    confidence: str

    @property
    def changed(self) -> bool:
        return self.now.category is not self.at_snapshot.category


def country_view(facts: Facts, iso3: str, as_of: dt.date) -> CountryView:
    row = facts.snapshot_by_iso3[iso3]
    return CountryView(
        iso3=iso3,
        as_of=as_of,
        now=status_at(facts, as_of)[iso3],
        at_snapshot=status_at(facts, SNAPSHOT_DATE)[iso3],
        later=tuple(e for e in facts.events if e.iso3 == iso3 and e.effective > as_of),
        dispute=row.dispute,
        confidence=row.confidence,
    )
