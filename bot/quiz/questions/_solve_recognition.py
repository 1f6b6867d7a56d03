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
    event_day,
    exclusions,
    latest_event,
    names,
    rows,
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


def same_stratum(isos: list[str]) -> None:
    """Four-state options come from one OIC stratum (see _policy.OIC): otherwise "pick the
    Muslim-majority state" would be a shortcut."""
    if len({iso in policy.OIC for iso in isos}) > 1:
        raise Problem("the options mix OIC and non-OIC states: 'pick (or avoid) the OIC "
                      "member' would be a shortcut")


def _single_state(q: Question, facts: Facts, *, israel: bool) -> tuple[str, State]:
    iso = need(q, "iso3")
    if not isinstance(iso, str):
        raise Problem("params iso3 must be a code")
    status = _check_states(q, facts, [iso], israel=israel, dates=False)[iso]
    if names(facts)[iso] not in q.text:
        raise Problem("the text does not name the state asked about")
    return iso, status


def _form(q: Question, status: bool) -> bool:
    """The statement's truth: "recognized" states the status, "had not recognized" its
    negation; the text must say which."""
    form = need(q, "form")
    negative = "had not recognized" in q.text
    if form not in ("is", "not") or negative != (form == "not"):
        raise Problem(f"form {form!r} does not match the statement {q.text!r}")
    return status if form == "is" else not status


@solver("recognizes_palestine_tf")
def recognizes_palestine_tf(q: Question, facts: Facts) -> set[int]:
    _, s = _single_state(q, facts, israel=False)
    return true_false(q, _form(q, s.palestine))


@solver("recognizes_israel_tf")
def recognizes_israel_tf(q: Question, facts: Facts) -> set[int]:
    _, s = _single_state(q, facts, israel=True)
    return true_false(q, _form(q, s.israel))


def _category(target: str) -> Solver:
    test: Callable[[State], bool] = {
        "both": lambda s: s.israel and s.palestine,
        "israel_only": lambda s: s.israel and not s.palestine,
        "palestine_only": lambda s: s.palestine and not s.israel,
    }[target]

    def solve(q: Question, facts: Facts) -> set[int]:
        isos = states(q, facts)
        statuses = _check_states(q, facts, isos, israel=True, dates=False)
        same_stratum(isos)
        return {i for i, iso in enumerate(isos) if test(statuses[iso])}

    return solve


@solver("never_recognized_israel")
def never_recognized_israel(q: Question, facts: Facts) -> set[int]:
    isos = states(q, facts)
    statuses = _check_states(q, facts, isos, israel=True, dates=False)
    same_stratum(isos)
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
        ever = ever_counted(facts, which)
        for v in values:
            if v != count and v in ever:
                raise Problem(f"{v} was the {which} count at another date; offered as "
                              f"wrong, it would mislead")
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


def ever_counted(facts: Facts, which: str) -> set[int]:
    """The article-convention count on every day the data changes (and the snapshot)."""
    days = {SNAPSHOT_DATE} | {event_day(e.date) for e in facts.events}
    return {count_range(facts, d, which)[0] for d in days}


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
    same_stratum(isos)
    return {i for i, iso in enumerate(isos)
            if statuses[iso].palestine and _recognition_year(statuses[iso], iso) == year}


@solver("first_to_recognize_palestine")
def first_to_recognize_palestine(q: Question, facts: Facts) -> set[int]:
    isos = states(q, facts)
    statuses = _check_states(q, facts, isos, israel=False, dates=True)
    same_stratum(isos)
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
    out: list[str] = []
    for key in ("iso3", "states"):
        value = q.params.get(key, ())
        out += [v for v in (value if isinstance(value, tuple) else (value,))
                if isinstance(v, str)]
    return out


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
        note = policy.FORMER_FORM.get(iso)
        if (note and s is not None and s.palestine_date and s.palestine_date[:4] in shown
                and note not in shown):
            out.append(f"{iso}'s date predates its present form; the text must say {note!r}")
    return out



# --- the newer families ------------------------------------------------------------------------

def _latest_day(q: Question, facts: Facts) -> dt.date:
    day = _day(q)
    if day != latest_event(facts):
        raise Problem(f"this family is asked at the latest data date, not {day}")
    return day


def _dated_israel(facts: Facts, iso: str) -> int:
    """The year of a state's recognition of Israel in the snapshot row, if it may be asked."""
    row = rows(facts)[iso]
    if reasons := exclusions(facts, iso, israel=True, dates=True):
        raise Problem(f"{iso}: {reasons[0]}")
    if not row.recognizes_israel or not row.israel_recognition_date:
        raise Problem(f"{iso} has no dated recognition of Israel in the data")
    return int(row.israel_recognition_date[:4])


@solver("relations_with_israel")
def relations_with_israel(q: Question, facts: Facts) -> set[int]:
    day = _latest_day(q, facts)
    kind, year = need(q, "kind"), need(q, "year")
    change = {"cut": "israel=no", "restored": "israel=yes"}.get(str(kind))
    if change is None or not isinstance(year, int):
        raise Problem(f"kind {kind!r} / year {year!r} make no relations question")
    isos = states(q, facts)
    correct = set()
    for i, iso in enumerate(isos):
        moved = [e for e in facts.events if e.iso3 == iso and e.change == change
                 and event_day(e.date).year == year]
        if moved:
            if iso in policy.DISPUTED or rows(facts)[iso].dispute:
                raise Problem(f"{iso}'s status is disputed")
            correct.add(i)
            continue
        # A decoy must have recognized Israel throughout, with no change of relations at all.
        if reasons := exclusions(facts, iso, israel=True, dates=False):
            raise Problem(f"{iso}: {reasons[0]}")
        if not states_at(facts, day)[iso].israel:
            raise Problem(f"{iso} does not recognize Israel: a defensible 'cut' answer")
    same_stratum(isos)
    return correct


def _group(q: Question, facts: Facts, members: frozenset[str]) -> list[str]:
    isos = states(q, facts)
    if outside := [i for i in isos if i not in members]:
        raise Problem(f"{outside[0]} is not a member of the group asked about")
    return isos


def _group_in(members: frozenset[str]) -> Solver:
    def solve(q: Question, facts: Facts) -> set[int]:
        _latest_day(q, facts)
        year = need(q, "year")
        isos = _group(q, facts, members)
        statuses = _check_states(q, facts, isos, israel=False, dates=True)
        return {i for i, iso in enumerate(isos) if statuses[iso].palestine
                and _recognition_year(statuses[iso], iso) == year}
    return solve


def _group_not(members: frozenset[str]) -> Solver:
    def solve(q: Question, facts: Facts) -> set[int]:
        isos = _group(q, facts, members)
        if "NOT" not in q.text:
            raise Problem("a 'which is NOT' question must say NOT")
        statuses = _check_states(q, facts, isos, israel=False, dates=False)
        return {i for i, iso in enumerate(isos) if not statuses[iso].palestine}
    return solve


solver("g7_recognized_palestine_in")(_group_in(policy.G7))
solver("eu_recognized_palestine_in")(_group_in(policy.EU))
solver("g7_not_palestine")(_group_not(policy.G7))
solver("eu_not_palestine")(_group_not(policy.EU))


@solver("israel_recognition_year")
def israel_recognition_year(q: Question, facts: Facts) -> set[int]:
    _day(q)
    iso = need(q, "iso3")
    if not isinstance(iso, str):
        raise Problem("params iso3 must be a code")
    answer = _dated_israel(facts, iso)
    values = []
    for o in q.options:
        if not re.fullmatch(r"\d{4}", o):
            raise Problem(f"option {o!r} is not a year")
        values.append(int(o))
    for v in values:
        if v != answer and abs(v - answer) < policy.YEAR_MIN_GAP:
            raise Problem(f"{v} is within a year of the answer {answer}: too close to call")
    return {i for i, v in enumerate(values) if v == answer}


@solver("recognized_israel_2020")
def recognized_israel_2020(q: Question, facts: Facts) -> set[int]:
    day = _latest_day(q, facts)
    isos = states(q, facts)
    correct = set()
    for i, iso in enumerate(isos):
        s = states_at(facts, day)[iso]
        if s.israel:
            if _dated_israel(facts, iso) == 2020:
                correct.add(i)
        elif reasons := exclusions(facts, iso, israel=True, dates=False):
            raise Problem(f"{iso}: {reasons[0]}")
    same_stratum(isos)
    return correct


@solver("same_day_palestine")
def same_day_palestine(q: Question, facts: Facts) -> set[int]:
    _latest_day(q, facts)
    ref = need(q, "iso3")
    isos = states(q, facts)
    if not isinstance(ref, str) or ref in isos:
        raise Problem("the reference state must be a code and not an option")
    statuses = _check_states(q, facts, [ref, *isos], israel=False, dates=True)
    if names(facts)[ref] not in q.text:
        raise Problem("the text does not name the reference state")

    def when(iso: str) -> dt.date:
        date = statuses[iso].palestine_date
        if not statuses[iso].palestine or len(date.split("-")) != 3:
            raise Problem(f"{iso} has no day-precise recognition of Palestine")
        return dt.date.fromisoformat(date)

    target = when(ref)
    correct = set()
    for i, iso in enumerate(isos):
        gap = abs((when(iso) - target).days)
        if gap == 0:
            correct.add(i)
        elif gap <= policy.STABLE_DAYS:
            raise Problem(f"{iso} recognized within {gap} day(s) of the reference: time zones "
                          f"could make it the same day")
    same_stratum(isos)
    return correct


@solver("palestine_first_of_two")
def palestine_first_of_two(q: Question, facts: Facts) -> set[int]:
    isos = states(q, facts)
    if len(isos) != 2:
        raise Problem("a first-of-two question has two options")
    return first_to_recognize_palestine(q, facts)
