"""Plain, immutable records of the two data sets, and the snapshot that holds them.

The tables are small (a few hundred rows), so the bot reads them once into a :class:`Facts`
snapshot and answers every command from memory: a fact lookup then costs microseconds instead
of a database round trip, which keeps `/defectors` within a hair of the bare interaction floor.
The database stays the source of truth; a reload swaps the snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar, cast

T = TypeVar("T")


class PeriodKind(StrEnum):
    YEAR = "year"  # one calendar year
    AGGREGATE = "aggregate"  # several years published only combined
    PARTIAL = "partial"  # part of a year, superseded by the full year


@dataclass(frozen=True, slots=True)
class DefectorPeriod:
    label: str
    kind: PeriodKind
    first_year: int | None  # None: "since records began"
    last_year: int
    total: int
    male: int
    female: int
    note: str
    source: str

    @property
    def is_year(self) -> bool:
        return self.kind is PeriodKind.YEAR

    @property
    def female_share(self) -> float:
        return self.female / self.total if self.total else 0.0

    def covers(self, year: int) -> bool:
        first = self.first_year if self.first_year is not None else -10_000
        return first <= year <= self.last_year


class IsraelStatus(StrEnum):
    RECOGNIZES = "recognizes"
    NEVER = "never"
    WITHDREW = "withdrew"
    SUSPENDED = "suspended_or_cut_relations"
    SELF = "self"


class Category(StrEnum):
    """The article's four mutually exclusive groups."""

    BOTH = "both"
    ISRAEL_ONLY = "israel_only"
    PALESTINE_ONLY = "palestine_only"
    NEITHER = "neither"


@dataclass(frozen=True, slots=True)
class MemberState:
    iso3: str
    iso2: str
    iso_numeric: str
    name: str
    aliases: tuple[str, ...]

    @property
    def flag(self) -> str:
        """Regional-indicator flag emoji from the ISO alpha-2 code."""
        return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in self.iso2.upper())


@dataclass(frozen=True, slots=True)
class Recognition:
    """One state's row in the article's snapshot of 2023-11-14."""

    iso3: str
    recognizes_israel: bool  # True for Israel itself ("self"), as the article counts it
    israel_status: IsraelStatus
    israel_recognition_date: str  # "", "YYYY", "YYYY-MM" or "YYYY-MM-DD", as published
    recognizes_palestine: bool
    palestine_recognition_date: str
    confidence: str  # verified | likely
    dispute: str  # plain statement where sources disagree, else ""
    note: str  # source keys and notes (see data/SOURCES.md)


@dataclass(frozen=True, slots=True)
class RecognitionEvent:
    date: str  # as published: "YYYY-MM-DD" or "YYYY-MM"
    iso3: str
    event: str
    change: str  # palestine=yes | israel=no | israel=yes | none
    note: str
    confidence: str
    source: str
    # The first day the published date can mean (a month counts from its first day).
    effective: dt.date = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "effective", parse_partial_date(self.date))


@dataclass(frozen=True, slots=True)
class ArticleFact:
    key: str
    topic: str
    difficulty: str
    question: str
    answer: str
    distractors: tuple[str, ...]
    explanation: str
    source: str


SNAPSHOT_DATE = dt.date(2023, 11, 14)


def parse_partial_date(text: str) -> dt.date:
    """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" to the first day it can mean."""
    parts = text.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a date: {text!r}")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2]) if len(parts) > 2 else 1
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Facts:
    """Everything the bot knows, loaded from the database (or straight from ``data/``).

    Derived tables (lookups, single years, statuses on a date, the quiz's pools …) are kept
    in :meth:`memo`, the one cache of a snapshot: it lives and dies with this object, so a
    reload (a new snapshot) never sees stale tables.
    """

    periods: tuple[DefectorPeriod, ...]
    members: tuple[MemberState, ...]
    snapshot: tuple[Recognition, ...]
    events: tuple[RecognitionEvent, ...]  # sorted by effective date
    article_facts: tuple[ArticleFact, ...] = ()
    version: str = ""  # digest of the files the tables were loaded from
    # init=False so dataclasses.replace() starts with an empty memo.
    _memo: dict[Hashable, object] = field(default_factory=dict, init=False, repr=False,
                                          compare=False)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once per snapshot and ``key``. Keys are namespaced by
        their user ("truth-years", ("recognition-status", date) …) so they never collide.
        Values must be treated as read-only: every caller shares them."""
        table = self._memo
        if key not in table:
            table[key] = compute()
        return cast(T, table[key])

    @property
    def member_by_iso3(self) -> dict[str, MemberState]:
        return self.memo("facts-members", lambda: {m.iso3: m for m in self.members})

    @property
    def snapshot_by_iso3(self) -> dict[str, Recognition]:
        return self.memo("facts-snapshot", lambda: {r.iso3: r for r in self.snapshot})

    @property
    def years(self) -> tuple[DefectorPeriod, ...]:
        """Single calendar years, in order: the only rows that may be ranked or compared."""
        return self.memo("facts-years", lambda: tuple(
            sorted((p for p in self.periods if p.is_year), key=lambda p: p.last_year)))

    @property
    def year_by_number(self) -> dict[int, DefectorPeriod]:
        return self.memo("facts-year-numbers", lambda: {p.last_year: p for p in self.years})

    @property
    def latest_event_date(self) -> dt.date:
        return self.memo("facts-latest-event", lambda: max(
            (e.effective for e in self.events), default=SNAPSHOT_DATE))
