"""Solvers for the defectors families: which options are correct, from params and the table.

Each solver works only from ``question.params``, the option texts and the raw periods (via
``_truth``); it never looks at ``answer_index``. It raises :class:`Problem` when the question
is unfair even if its key happened to be right (ties, near-ties, non-years used as years).
"""

from __future__ import annotations

from itertools import pairwise

from bot.facts.records import Facts
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._family import solver
from bot.quiz.questions._solve_common import (
    exact_numbers,
    ints,
    need,
    pcts,
    true_false,
    year_pairs,
)
from bot.quiz.questions._truth import Problem, cumulative, single_years, year
from bot.quiz.questions.model import Question


def _year_options(q: Question, facts: Facts) -> list[int]:
    return [year(facts, o, "option").last_year for o in q.options]


def _close(a: int, b: int, margin: float = policy.REVISION_MARGIN) -> bool:
    return abs(a - b) < margin * max(a, b)


def _extreme(q: Question, facts: Facts, *, most: bool) -> set[int]:
    totals = {y: p.total for y, p in single_years(facts).items()}
    best = max(totals.values()) if most else min(totals.values())
    winners = [y for y, t in totals.items() if t == best]
    if len(winners) > 1:
        raise Problem(f"tie: {', '.join(map(str, sorted(winners)))} all have {best:,}")
    runner = sorted(totals.values(), reverse=most)[1]
    if _close(best, runner):
        raise Problem(f"the top two years ({best:,} and {runner:,}) are too close to call")
    return {i for i, y in enumerate(_year_options(q, facts)) if y == winners[0]}


@solver("peak_year")
def peak_year(q: Question, facts: Facts) -> set[int]:
    return _extreme(q, facts, most=True)


@solver("lowest_year")
def lowest_year(q: Question, facts: Facts) -> set[int]:
    return _extreme(q, facts, most=False)


@solver("arrivals_in_year")
def arrivals_in_year(q: Question, facts: Facts) -> set[int]:
    row = year(facts, need(q, "year"))
    if str(row.last_year) not in q.text:
        raise Problem("the text does not name the year asked")
    return exact_numbers(ints(q.options), row.total)


@solver("more_arrivals")
def more_arrivals(q: Question, facts: Facts) -> set[int]:
    years = need(q, "years")
    if not isinstance(years, tuple) or len(years) != 2:
        raise Problem("params years must be a pair of years")
    a, b = year(facts, years[0]), year(facts, years[1])
    if a is b:
        raise Problem("the two years are the same")
    if sorted(q.options) != sorted([str(a.last_year), str(b.last_year)]):
        raise Problem("the options must be exactly the two years compared")
    if a.total == b.total:
        raise Problem(f"tie: {a.last_year} and {b.last_year} both have {a.total:,}")
    if _close(a.total, b.total):
        raise Problem(f"{a.total:,} and {b.total:,} are too close to call")
    more = a if a.total > b.total else b
    return {i for i, y in enumerate(_year_options(q, facts)) if y == more.last_year}


def _steps(facts: Facts) -> dict[tuple[int, int], int]:
    years = single_years(facts)
    return {(y - 1, y): years[y].total - years[y - 1].total for y in years if y - 1 in years}


def _largest_change(q: Question, facts: Facts, *, rise: bool) -> set[int]:
    steps = _steps(facts)
    for pair in year_pairs(q.options):
        if pair not in steps:
            raise Problem(f"{pair[0]} → {pair[1]} is not a step between consecutive single "
                          f"years")
    ordered = sorted(steps.items(), key=lambda kv: kv[1], reverse=rise)
    (best_pair, best), (_, runner) = ordered[0], ordered[1]
    if (best > 0) != rise:
        raise Problem(f"no {'rise' if rise else 'fall'} at all in the data")
    if abs(best) - abs(runner) < policy.CHANGE_MARGIN * abs(runner):
        raise Problem(f"the largest change ({best:+,}) is too close to the next ({runner:+,})")
    return {i for i, p in enumerate(year_pairs(q.options)) if p == best_pair}


@solver("largest_fall")
def largest_fall(q: Question, facts: Facts) -> set[int]:
    return _largest_change(q, facts, rise=False)


@solver("largest_rise")
def largest_rise(q: Question, facts: Facts) -> set[int]:
    return _largest_change(q, facts, rise=True)


@solver("first_year_below")
def first_year_below(q: Question, facts: Facts) -> set[int]:
    start = year(facts, need(q, "after"), "after")
    threshold = need(q, "threshold")
    if not isinstance(threshold, int) or threshold <= 0:
        raise Problem(f"threshold {threshold!r} is not a positive whole number")
    if start.total < threshold:
        raise Problem(f"{start.last_year} is already below {threshold:,}: nothing 'fell below'")
    years = single_years(facts)
    y = start.last_year + 1
    while y in years and years[y].total >= threshold:
        y += 1
    if y not in years:
        raise Problem(f"no single year after {start.last_year} is below {threshold:,} (or the "
                      f"years are not consecutive)")
    for x in range(start.last_year, y + 1):
        if _close(years[x].total, threshold):
            raise Problem(f"{x} ({years[x].total:,}) is too close to {threshold:,} to call")
    options = _year_options(q, facts)
    if any(o <= start.last_year for o in options):
        raise Problem(f"an option is not after {start.last_year}")
    return {i for i, o in enumerate(options) if o == y}


@solver("female_share")
def female_share(q: Question, facts: Facts) -> set[int]:
    row = year(facts, need(q, "year"))
    if "about" not in q.text.lower():
        raise Problem("a rounded percentage needs 'about' in the text")
    share = 100 * row.female / row.total
    values = pcts(q.options)
    if len(set(values)) != len(values):
        raise Problem("two percentage options are the same")
    correct = set()
    for i, v in enumerate(values):
        if abs(v - share) <= 0.05 + 1e-9:
            correct.add(i)
        elif abs(v - share) < policy.PERCENT_MIN_GAP:
            raise Problem(f"{v}% is within {policy.PERCENT_MIN_GAP} points of {share:.2f}%")
        elif not (0 < v <= 100 and policy.BAND_LOW * share <= v <= policy.BAND_HIGH * share):
            raise Problem(f"{v}% is implausibly far from {share:.1f}%")
    return correct


@solver("men_outnumbered")
def men_outnumbered(q: Question, facts: Facts) -> set[int]:
    years = single_years(facts)
    options = _year_options(q, facts)
    for y in options:
        if years[y].male == years[y].female:
            raise Problem(f"tie: {y} had as many men as women")
    return {i for i, y in enumerate(options) if years[y].male > years[y].female}


@solver("span_total")
def span_total(q: Question, facts: Facts) -> set[int]:
    first, last = year(facts, need(q, "first")), year(facts, need(q, "last"))
    if first.last_year >= last.last_year:
        raise Problem("a span needs its first year before its last")
    total = sum(year(facts, y).total for y in range(first.last_year, last.last_year + 1))
    return exact_numbers(ints(q.options), total)


@solver("cumulative_total")
def cumulative_total(q: Question, facts: Facts) -> set[int]:
    end = year(facts, need(q, "year"))
    return exact_numbers(ints(q.options), cumulative(facts, end.last_year))


@solver("trend_tf")
def trend_tf(q: Question, facts: Facts) -> set[int]:
    kind = need(q, "kind")
    a, b = year(facts, need(q, "a"), "a"), year(facts, need(q, "b"), "b")
    if kind in ("more_than", "more_than_double"):
        if a is b:
            raise Problem("a statement comparing a year with itself")
        if kind == "more_than":
            if _close(a.total, b.total):
                raise Problem(f"{a.total:,} and {b.total:,} are too close to call")
            return true_false(q, a.total > b.total)
        ratio = a.total / b.total
        if policy.DOUBLE_LOW <= ratio <= policy.DOUBLE_HIGH:
            raise Problem(f"a ratio of {ratio:.2f} is too close to double to call")
        return true_false(q, ratio > 2)
    if kind not in ("rose_every_year", "fell_every_year") or b.last_year <= a.last_year + 1:
        raise Problem(f"unknown or too short trend statement {kind!r}")
    totals = [year(facts, y).total for y in range(a.last_year, b.last_year + 1)]
    steps = list(pairwise(totals))
    if any(_close(x, y) for x, y in steps):
        raise Problem("a step in the span is too small to call a rise or fall")
    rising = kind == "rose_every_year"
    return true_false(q, all((y > x) if rising else (y < x) for x, y in steps))

