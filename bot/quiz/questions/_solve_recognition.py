"""Solvers for the recognition families, from params, option texts and the replayed statuses.

Besides deciding which options are right, they refuse any question whose answer hangs on a
disputed row, on the article's cut-relations convention, on a predecessor state's date or on
a status that changes within a couple of days of the question's date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bot.facts.records import SNAPSHOT_DATE, Facts
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._family import Solver, solver
from bot.quiz.questions._solve_common import (
    exact_numbers,
    ints,
    need,
    states,
    true_false,
)
from bot.quiz.questions._truth import (
    Problem,
    State,
    count_range,
    exclusions,
    names,
    stable,
    states_at,
)
from bot.quiz.questions.model import Question

UN = 193
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _day(q: Question) -> dt.date:
    declared = need(q, "as_of")
    if declared != q.as_of.isoformat():
        raise Problem(f"params as_of {declared!r} differs from the question's {q.as_of}")
    return q.as_of


def _check_states(q: Question, facts: Facts, isos: list[str], *, israel: bool,
                  dates: bool) -> dict[str, State]:
    day = _day(q)
    for iso in isos:
        if reasons := exclusions(facts, iso, israel=israel, dates=dates):
            raise Problem(f"{iso}: {reasons[0]}")
        if not stable(facts, iso, day):
            raise Problem(f"{iso}'s status changes within {policy.STABLE_DAYS} days of {day}")
    return states_at(facts, day)


def _single_state(q: Question, facts: Facts, *, israel: bool) -> tuple[str, State]:
    iso = need(q, "iso3")
    if not isinstance(iso, str):
        raise Problem("params iso3 must be a code")
    status = _check_states(q, facts, [iso], israel=israel, dates=False)[iso]
    if names(facts)[iso] not in q.text:
        raise Problem("the text does not name the state asked about")
    return iso, status


@solver("recognizes_palestine_tf")
def recognizes_palestine_tf(q: Question, facts: Facts) -> set[int]:
    _, s = _single_state(q, facts, israel=False)
    return true_false(q, s.palestine)


@solver("recognizes_israel_tf")
def recognizes_israel_tf(q: Question, facts: Facts) -> set[int]:
    _, s = _single_state(q, facts, israel=True)
    return true_false(q, s.israel)


def _category(target: str) -> Solver:
    test: Callable[[State], bool] = {
        "both": lambda s: s.israel and s.palestine,
        "israel_only": lambda s: s.israel and not s.palestine,
        "palestine_only": lambda s: s.palestine and not s.israel,
    }[target]

    def solve(q: Question, facts: Facts) -> set[int]:
        isos = states(q, facts)
        statuses = _check_states(q, facts, isos, israel=True, dates=False)
        return {i for i, iso in enumerate(isos) if test(statuses[iso])}

    return solve


@solver("never_recognized_israel")
def never_recognized_israel(q: Question, facts: Facts) -> set[int]:
    isos = states(q, facts)
    statuses = _check_states(q, facts, isos, israel=True, dates=False)
    correct = set()
    for i, iso in enumerate(isos):
        s = statuses[iso]
        if s.israel_kind == "never" and not s.israel:
            correct.add(i)
        elif not s.israel:
            # "Withdrew" is not "never", but a player could not be expected to tell.
            raise Problem(f"{iso} does not recognize Israel either")
    return correct


def _count(which: str) -> Solver:
    def solve(q: Question, facts: Facts) -> set[int]:
        day = _day(q)
        counts = {count_range(facts, d, which)[0] for d in policy.around(day)}
        if len(counts) > 1:
            raise Problem(f"the {which} count changes within {policy.STABLE_DAYS} days of {day}")
        count, lo, hi = count_range(facts, day, which)
        values = ints(q.options)
        correct = exact_numbers(values, count, ceiling=UN)
        for v in values:
            if v != count and lo - policy.COUNT_MARGIN <= v <= hi + policy.COUNT_MARGIN:
                raise Problem(f"{v} is within reach of another counting convention "
                              f"({lo}–{hi}); it could be defended")
        return correct

    return solve


solver("category_both")(_category("both"))
solver("category_israel_only")(_category("israel_only"))
solver("category_palestine_only")(_category("palestine_only"))
solver("palestine_count")(_count("palestine"))
solver("israel_count")(_count("israel"))
solver("both_count")(_count("both"))


def _recognition_year(s: State, iso: str) -> int:
    if not s.palestine or not s.palestine_date:
        raise Problem(f"{iso} has no dated recognition of Palestine")
    return int(s.palestine_date[:4])


@solver("palestine_recognition_year")
def palestine_recognition_year(q: Question, facts: Facts) -> set[int]:
    iso = need(q, "iso3")
    if not isinstance(iso, str):
        raise Problem("params iso3 must be a code")
    s = _check_states(q, facts, [iso], israel=False, dates=True)[iso]
    answer = _recognition_year(s, iso)
    values = []
    for o in q.options:
        if not re.fullmatch(r"\d{4}", o):
            raise Problem(f"option {o!r} is not a year")
        values.append(int(o))
    for v in values:
        if not policy.FIRST_PALESTINE_YEAR <= v <= q.as_of.year:
            raise Problem(f"{v} is outside {policy.FIRST_PALESTINE_YEAR}–{q.as_of.year}")
        if v != answer and abs(v - answer) < policy.YEAR_MIN_GAP:
            raise Problem(f"{v} is within a year of the answer {answer}: too close to call")
    return {i for i, v in enumerate(values) if v == answer}


@solver("recognized_palestine_in")
def recognized_palestine_in(q: Question, facts: Facts) -> set[int]:
    year = need(q, "year")
    if not isinstance(year, int) or not policy.FIRST_PALESTINE_YEAR <= year <= q.as_of.year:
        raise Problem(f"year {year!r} is not between 1988 and the question's date")
    isos = states(q, facts)
    statuses = _check_states(q, facts, isos, israel=False, dates=True)
    return {i for i, iso in enumerate(isos)
            if statuses[iso].palestine and _recognition_year(statuses[iso], iso) == year}


@solver("first_to_recognize_palestine")
def first_to_recognize_palestine(q: Question, facts: Facts) -> set[int]:
    isos = states(q, facts)
    statuses = _check_states(q, facts, isos, israel=False, dates=True)
    years = [_recognition_year(statuses[iso], iso) for iso in isos]
    first = min(years)
    if sorted(years)[1] < first + policy.YEAR_MIN_GAP:
        raise Problem("the two earliest recognitions are too close in time to call")
    return {i for i, y in enumerate(years) if y == first}


def _full(text: str) -> str | None:
    """"d Month YYYY" for a day-precise published date, else None."""
    parts = text.split("-") if text else []
    if len(parts) != 3:
        return None
    return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"


_SHOWN_DAY = re.compile(rf"\b\d{{1,2}} (?:{'|'.join(_MONTHS)}) \d{{4}}\b")


def _param_isos(q: Question) -> list[str]:
    value = q.params.get("iso3", q.params.get("states", ()))
    values = value if isinstance(value, tuple) else (value,)
    return [v for v in values if isinstance(v, str)]


def presentation_problems(q: Question, facts: Facts) -> list[str]:
    """Every exact day shown must be a day-precise date in the data (so a date published as
    a year or year-month is never dressed up as a day), and a predecessor state's date must
    say whose it is."""
    isos = _param_isos(q)
    shown = f"{q.text}\n{q.explanation}"
    known = {_full(q.as_of.isoformat()), _full(SNAPSHOT_DATE.isoformat())}
    rows = {r.iso3: r for r in facts.snapshot}
    doubtful: set[str | None] = set()
    for iso in isos:
        row = rows.get(iso)
        if row is not None:
            dates = {_full(row.palestine_recognition_date), _full(row.israel_recognition_date)}
            if any(w in row.note.lower() for w in policy.UNCERTAIN_DATE_WORDS):
                doubtful |= dates
            known |= dates
        known |= {_full(e.date) for e in facts.events if e.iso3 == iso}
    out = []
    for found in _SHOWN_DAY.findall(shown):
        if found in doubtful:
            out.append(f"{found!r} is shown, but sources disagree on that date")
        elif found not in known:
            out.append(f"{found!r} is shown as an exact day, but no date in the data for this "
                       f"question has that precision")
    states = states_at(facts, q.as_of)
    for iso in isos:
        s = states.get(iso)
        if (iso in policy.PREDECESSOR and s is not None and s.palestine_date
                and s.palestine_date[:4] in shown and policy.PREDECESSOR[iso] not in shown):
            out.append(f"{iso}'s date is {policy.PREDECESSOR[iso]}'s; the text must say so")
    return out

