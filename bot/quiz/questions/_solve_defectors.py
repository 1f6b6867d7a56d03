"""Solvers for the defectors families: which options are correct, from params and the table.

Each solver works only from ``question.params``, the option texts and the raw periods (via
``_truth``); it never looks at ``answer_index``. It raises :class:`Problem` when the question
is unfair even if its key happened to be right (ties, near-ties, non-years used as years).
"""

from __future__ import annotations

import re
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
from bot.quiz.questions._truth import (
    Problem,
    cumulative,
    milestone,
    not_years,
    single_years,
    year,
)
from bot.quiz.questions.model import Question


def _year_options(q: Question, facts: Facts) -> list[int]:
    return [year(facts, o, "option").last_year for o in q.options]


def _close(a: int, b: int, margin: float = policy.REVISION_MARGIN) -> bool:
    return abs(a - b) < margin * max(a, b)


def _span(q: Question, facts: Facts) -> tuple[int, int]:
    a, b = year(facts, need(q, "first"), "first"), year(facts, need(q, "last"), "last")
    if a.last_year >= b.last_year:
        raise Problem("a span needs its first year before its last")
    years = single_years(facts)
    missing = [y for y in range(a.last_year, b.last_year + 1) if y not in years]
    if missing:
        raise Problem(f"{missing[0]} inside the span is not a single year")
    if f"{a.last_year}" not in q.text or f"{b.last_year}" not in q.text:
        raise Problem("the text does not name the span asked")
    return a.last_year, b.last_year


def _extreme(q: Question, facts: Facts, *, most: bool) -> set[int]:
    first, last = _span(q, facts)
    totals = {y: p.total for y, p in single_years(facts).items() if first <= y <= last}
    best = max(totals.values()) if most else min(totals.values())
    winners = [y for y, t in totals.items() if t == best]
    if len(winners) > 1:
        raise Problem(f"tie: {', '.join(map(str, sorted(winners)))} all have {best:,}")
    runner = sorted(totals.values(), reverse=most)[1]
    if _close(best, runner):
        raise Problem(f"the top two years ({best:,} and {runner:,}) are too close to call")
    options = _year_options(q, facts)
    if any(o not in totals for o in options):
        raise Problem(f"an option lies outside {first}–{last}")
    return {i for i, y in enumerate(options) if y == winners[0]}


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
    values = ints(q.options)
    # The same year under another convention (the article's 99 for 2023, January–June only)
    # would be right for a player who read the article: never offered.
    for p in not_years(facts):
        if p.last_year == row.last_year and p.total in values:
            raise Problem(f"{p.total:,} is {row.last_year} as {p.label}: another reading of "
                          f"the same year")
    return exact_numbers(values, row.total)


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
    first, last = _span(q, facts)
    steps = {k: v for k, v in _steps(facts).items() if first <= k[0] and k[1] <= last}
    for pair in year_pairs(q.options):
        if pair not in steps:
            raise Problem(f"{pair[0]} → {pair[1]} is not a step between consecutive single "
                          f"years in {first}–{last}")
    ordered = sorted(steps.items(), key=lambda kv: kv[1], reverse=rise)
    (best_pair, best), (_, runner) = ordered[0], ordered[1]
    if (best > 0) != rise:
        raise Problem(f"no {'rise' if rise else 'fall'} at all in the span")
    if abs(best) - abs(runner) < policy.CHANGE_MARGIN * abs(runner):
        raise Problem(f"the largest change ({best:+,}) is too close to the next ({runner:+,})")
    return {i for i, p in enumerate(year_pairs(q.options)) if p == best_pair}


@solver("largest_fall")
def largest_fall(q: Question, facts: Facts) -> set[int]:
    return _largest_change(q, facts, rise=False)


@solver("largest_rise")
def largest_rise(q: Question, facts: Facts) -> set[int]:
    return _largest_change(q, facts, rise=True)


@solver("extreme_in_span")
def extreme_in_span(q: Question, facts: Facts) -> set[int]:
    kind = need(q, "kind")
    if kind == "peak":
        return _extreme(q, facts, most=True)
    if kind == "lowest":
        return _extreme(q, facts, most=False)
    if kind in ("largest_rise", "largest_fall"):
        return _largest_change(q, facts, rise=kind == "largest_rise")
    raise Problem(f"unknown extreme {kind!r}")


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
    return _share_options(q, 100 * row.female / row.total)


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



@solver("cumulative_milestone")
def cumulative_milestone(q: Question, facts: Facts) -> set[int]:
    threshold = need(q, "threshold")
    if not isinstance(threshold, int) or threshold <= 0:
        raise Problem(f"threshold {threshold!r} is not a positive whole number")
    when = milestone(facts, threshold)
    return {i for i, y in enumerate(_year_options(q, facts)) if y == when}


def _women_share_by(facts: Facts, end: int) -> float:
    cumulative(facts, end)  # refuses an end inside a combined row
    rows = [p for p in facts.periods if p.kind != "partial" and p.last_year <= end]
    return 100 * sum(p.female for p in rows) / sum(p.total for p in rows)


def _share_options(q: Question, share: float) -> set[int]:
    if "about" not in q.text.lower():
        raise Problem("a rounded percentage needs 'about' in the text")
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


@solver("women_share_overall")
def women_share_overall(q: Question, facts: Facts) -> set[int]:
    end = year(facts, need(q, "year"))
    return _share_options(q, _women_share_by(facts, end.last_year))


@solver("women_in_year")
def women_in_year(q: Question, facts: Facts) -> set[int]:
    row = year(facts, need(q, "year"))
    if str(row.last_year) not in q.text or "women" not in q.text:
        raise Problem("the text must ask for the women of the year named")
    values = ints(q.options)
    for other, what in ((row.male, "men"), (row.total, "arrivals in all")):
        if other in values and other != row.female:
            raise Problem(f"{other:,} is {row.last_year}'s {what}, a misreading away")
    return exact_numbers(values, row.female)


def _caveat_claims(facts: Facts, kind: str) -> dict[str, bool]:
    """Each offered claim, judged on the rows (not on the builder's answer)."""
    rows = {p.label: p for p in facts.periods}
    if kind == "combined_1999_2001":
        r = rows["1999-2001"]
        three = r.first_year == 1999 and r.last_year == 2001 and r.kind == "aggregate"
        return {"1999, 2000 and 2001 combined": three,
                "2001 alone": r.first_year == r.last_year == 2001,
                "Everyone who had arrived by the end of 2001": cumulative(facts, 2001) == r.total,
                "The yearly average of 1999 to 2001": not three}
    if kind == "half_year_2023":
        half, full = rows["2023-H1"], single_years(facts)[2023]
        return {"99 covers only January to June 2023": half.kind == "partial"
                and half.total == 99 and half.last_year == 2023,
                "196 also counts arrivals in third countries": False,  # MOU counts arrivals only
                "99 counts only the women who arrived": full.female == half.total,
                "MOU later revised 2023 down to 99": full.total == half.total}
    if kind == "men_before_1999":
        r = rows["~1998"]
        if abs(r.male - r.female) < policy.REVISION_MARGIN * r.total:
            raise Problem("men and women before 1999 are too close to call")
        return {"Men": r.male > r.female, "Women": r.female > r.male,
                "About as many men as women": False}
    raise Problem(f"unknown caveat {kind!r}")


@solver("data_caveat")
def data_caveat(q: Question, facts: Facts) -> set[int]:
    kind = need(q, "kind")
    if not isinstance(kind, str):
        raise Problem(f"kind {kind!r} is not a word")
    claims = _caveat_claims(facts, kind)
    unknown = [o for o in q.options if o not in claims]
    if unknown:
        raise Problem(f"option {unknown[0]!r} is not a claim this caveat can judge")
    return {i for i, o in enumerate(q.options) if claims[o]}


def _ratios(options: tuple[str, ...]) -> list[float]:
    out = []
    for o in options:
        if not re.fullmatch(r"\d+\.\d times", o):
            raise Problem(f"option {o!r} is not a one-decimal ratio like '2.9 times'")
        out.append(float(o.split()[0]))
    return out


@solver("year_ratio")
def year_ratio(q: Question, facts: Facts) -> set[int]:
    a, b = year(facts, need(q, "first"), "first"), year(facts, need(q, "last"), "last")
    if a is b:
        raise Problem("a ratio of a year with itself")
    big, small = (a, b) if a.total > b.total else (b, a)
    ratio = big.total / small.total
    if q.text.find(str(big.last_year)) > q.text.find(str(small.last_year)):
        raise Problem("the text must name the larger year first")
    if abs(ratio * 10 - round(ratio * 10)) > 0.4:
        raise Problem(f"a ratio of {ratio:.3f} sits on a rounding edge")
    values = _ratios(q.options)
    correct = set()
    for i, v in enumerate(values):
        if abs(v - ratio) <= 0.05:
            correct.add(i)
        elif abs(v - ratio) < policy.RATIO_MIN_GAP * max(v, ratio):
            raise Problem(f"{v} is too close to the ratio {ratio:.2f}")
    return correct


_ORD = re.compile(r"(\d+)(st|nd|rd|th)")


@solver("year_rank")
def year_rank(q: Question, facts: Facts) -> set[int]:
    row = year(facts, need(q, "year"))
    totals = sorted((p.total for p in single_years(facts).values()), reverse=True)
    place = totals.index(row.total) + 1
    if totals.count(row.total) > 1:
        raise Problem(f"tie: another year also has {row.total:,}")
    for t in totals:
        if t != row.total and _close(t, row.total):
            raise Problem(f"{t:,} is too close to {row.total:,}: the rank could change")
    ranks = []
    for o in q.options:
        m = _ORD.fullmatch(o)
        if not m:
            raise Problem(f"option {o!r} is not an ordinal like '7th'")
        ranks.append(int(m.group(1)))
    if any(r != place and abs(r - place) < 2 for r in ranks):
        raise Problem("an option is one place from the answer")
    return {i for i, r in enumerate(ranks) if r == place}


@solver("years_above")
def years_above(q: Question, facts: Facts) -> set[int]:
    first, last = _span(q, facts)
    threshold = need(q, "threshold")
    if not isinstance(threshold, int) or threshold <= 0:
        raise Problem(f"threshold {threshold!r} is not a positive whole number")
    totals = [p.total for y, p in single_years(facts).items() if first <= y <= last]
    if any(_close(t, threshold) for t in totals):
        raise Problem(f"a year in the span is too close to {threshold:,} to count")
    values = [int(o) if o.isdigit() else -1 for o in q.options]
    if -1 in values:
        raise Problem("options must be whole counts of years")
    return exact_numbers(values, sum(t > threshold for t in totals))
