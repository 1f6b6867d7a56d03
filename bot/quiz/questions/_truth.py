"""The validator's own reading of the tables.

Deliberately independent of the code the generator uses (``Facts.years``,
``bot.facts.recognition.status_at``): single years are re-selected from the raw periods and
recognition statuses are replayed from the snapshot rows and events here, so a bug on one
side shows up as a disagreement instead of being confirmed by itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.facts.records import SNAPSHOT_DATE, DefectorPeriod, Facts, Recognition
from bot.quiz.questions import _policy as policy


class Problem(ValueError):
    """A reason the question cannot be asked; the message is shown to whoever fixes it."""


# --- defectors ---------------------------------------------------------------------------------

def single_years(facts: Facts) -> dict[int, DefectorPeriod]:
    """Rows that are exactly one calendar year (label, first and last year all agree)."""
    return facts.memo("truth-years", lambda: {
        p.last_year: p for p in facts.periods
        if p.kind == "year" and p.first_year == p.last_year and p.label == str(p.last_year)
    })


def not_years(facts: Facts) -> list[DefectorPeriod]:
    """MOU's aggregate and partial rows (``~1998``, ``1999-2001``, ``2023-H1``)."""
    years = single_years(facts)
    return [p for p in facts.periods if years.get(p.last_year) is not p]


def year(facts: Facts, value: object, what: str = "year") -> DefectorPeriod:
    """A parameter or option that must be a single calendar year of the data."""
    if isinstance(value, str) and value.isdigit() and len(value) == 4:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Problem(f"{what} {value!r} is not a calendar year")
    row = single_years(facts).get(value)
    if row is None:
        inside = [p.label for p in not_years(facts)
                  if p.kind != "partial" and (p.first_year or -10_000) <= value <= p.last_year]
        where = f" (MOU publishes it only inside {inside[0]})" if inside else ""
        raise Problem(f"{what} {value} is not a single calendar year in the data{where}")
    return row


def cumulative(facts: Facts, end: int) -> int:
    """Everyone recorded up to the end of ``end``: whole periods only, partial rows excluded."""
    for p in facts.periods:
        first = p.first_year if p.first_year is not None else -10_000
        if p.kind != "partial" and first <= end < p.last_year:
            raise Problem(f"{end} falls inside {p.label}; no running total exists for it")
    return sum(p.total for p in facts.periods if p.kind != "partial" and p.last_year <= end)


def milestone(facts: Facts, threshold: int) -> int:
    """The single year in which the running total first reached ``threshold``. Refused when
    it was reached inside a combined row, or so narrowly (within 2% of that year's own
    figure) that a revised report could move it to the next or previous year."""
    total = 0
    for p in sorted((p for p in facts.periods if p.kind != "partial"),
                    key=lambda p: p.last_year):
        before, total = total, total + p.total
        if total < threshold:
            continue
        if single_years(facts).get(p.last_year) is not p:
            raise Problem(f"the total passed {threshold:,} inside {p.label}: no year can be "
                          f"named")
        margin = policy.REVISION_MARGIN * p.total
        if total - threshold < margin or threshold - before < margin:
            raise Problem(f"the total passed {threshold:,} too narrowly to name the year")
        return p.last_year
    raise Problem(f"the total never reached {threshold:,}")


# --- recognition -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class State:
    israel: bool
    palestine: bool
    israel_kind: str  # snapshot israel_status, or "cut" / "restored" after an event
    palestine_date: str
    israel_date: str


def event_day(text: str) -> dt.date:
    """An event's published date ("YYYY-MM-DD" or "YYYY-MM") as the first day it can mean,
    parsed here rather than taken from ``RecognitionEvent.effective``."""
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def latest_event(facts: Facts) -> dt.date:
    """The last day the events reach (the snapshot's date if there are none)."""
    return facts.memo("truth-latest", lambda: max(
        (event_day(e.date) for e in facts.events), default=SNAPSHOT_DATE))


def states_at(facts: Facts, day: dt.date) -> dict[str, State]:
    """Every member's status at the end of ``day`` (the snapshot's, for earlier days)."""
    return facts.memo(("truth-states", day), lambda: _replay(facts, day))


def _replay(facts: Facts, day: dt.date) -> dict[str, State]:
    out = {r.iso3: State(r.recognizes_israel, r.recognizes_palestine, str(r.israel_status),
                         r.palestine_recognition_date, r.israel_recognition_date)
           for r in facts.snapshot}
    for e in sorted(facts.events, key=lambda e: event_day(e.date)):
        if event_day(e.date) > day:
            continue
        s = out[e.iso3]
        if e.change == "palestine=yes":
            out[e.iso3] = State(s.israel, True, s.israel_kind, e.date, s.israel_date)
        elif e.change == "israel=no":
            out[e.iso3] = State(False, s.palestine, "cut", s.palestine_date, s.israel_date)
        elif e.change == "israel=yes":
            out[e.iso3] = State(True, s.palestine, "restored", s.palestine_date, s.israel_date)
    return out


def stable(facts: Facts, iso: str, day: dt.date) -> bool:
    seen = {(states_at(facts, d)[iso].israel, states_at(facts, d)[iso].palestine)
            for d in policy.around(day)}
    return len(seen) == 1


def rows(facts: Facts) -> dict[str, Recognition]:
    return facts.memo("truth-rows", lambda: {r.iso3: r for r in facts.snapshot})


def names(facts: Facts) -> dict[str, str]:
    return facts.memo("truth-names", lambda: {m.iso3: m.name for m in facts.members})


def iso_by_name(facts: Facts) -> dict[str, str]:
    return facts.memo("truth-isos", lambda: {m.name: m.iso3 for m in facts.members})


def exclusions(facts: Facts, iso: str, *, israel: bool, dates: bool) -> list[str]:
    """Why a state may not appear in a question whose answer depends on Israel status
    (``israel``) or on a recognition date (``dates``)."""
    row = rows(facts).get(iso)
    if row is None:
        return [f"{iso} is not a UN member state in the data"]
    name = names(facts)[iso]
    out = []
    if iso in policy.DISPUTED or row.dispute:
        out.append(f"{name}'s status is disputed between sources")
    if iso == policy.SELF:
        out.append("Israel counts itself only by the article's convention")
    if any(e.iso3 == iso and e.change == "none" for e in facts.events):
        out.append(f"{name} has a news event that changes no status (players may read it as "
                   f"one)")
    if israel and (str(row.israel_status) == "suspended_or_cut_relations"
                   or any(e.iso3 == iso and e.change.startswith("israel=")
                          for e in facts.events)):
        out.append(f"{name} cut or suspended relations with Israel: its 'no' holds only under "
                   f"the article's convention")
    if dates and iso in policy.PREDECESSOR:
        out.append(f"{name}'s recognition date is {policy.PREDECESSOR[iso]}'s")
    if dates and iso in policy.FORMER_FORM:
        out.append(f"{name}'s recognition date predates its present form "
                   f"({policy.FORMER_FORM[iso]})")
    if dates and any(w in row.note.lower() for w in policy.UNCERTAIN_DATE_WORDS):
        out.append(f"sources disagree on {name}'s recognition date")
    return out


def count_range(facts: Facts, day: dt.date, which: str) -> tuple[int, int, int]:
    """The count by the article's convention, and the lowest/highest any other reasonable
    convention gives (disputed rows either way; cut relations as recognition; Israel not
    counting itself)."""
    return facts.memo(("truth-count", day, which), lambda: _count_range(facts, day, which))


def _count_range(facts: Facts, day: dt.date, which: str) -> tuple[int, int, int]:
    def counted(s: State) -> bool:
        return {"palestine": s.palestine, "israel": s.israel,
                "both": s.israel and s.palestine}[which]

    states = states_at(facts, day)
    disputed = {r.iso3 for r in facts.snapshot if r.dispute} | policy.DISPUTED
    count = sum(counted(s) for s in states.values())
    lo = hi = count
    for iso, s in states.items():
        uncertain = iso in disputed or (
            which != "palestine"
            and (iso == policy.SELF or s.israel_kind in ("cut", "suspended_or_cut_relations")))
        if uncertain:
            lo, hi = (lo - 1, hi) if counted(s) else (lo, hi + 1)
    return count, lo, hi
