"""Question families on North Koreans arriving in South Korea (MOU's table).

Only single calendar years (``facts.years``) are ranked, compared, summed as spans or offered
as options: MOU's ``~1998`` (everyone up to 1998), ``1999-2001`` (three years combined) and
``2023-H1`` (a half year) rows never appear as a year. The cumulative-total family is the one
place the two aggregate rows are used, as what they are: parts of a running total.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from itertools import pairwise

from bot.facts.format import num, signed
from bot.facts.records import DefectorPeriod, Facts, PeriodKind
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._build import (
    ascending,
    in_band,
    make,
    pick_spread,
    shuffled,
    true_false,
)
from bot.quiz.questions._family import NUMBER, WORD, YEAR, YEARS, Family, family
from bot.quiz.questions._format import pct, year_pair
from bot.quiz.questions._sources import defector_rows
from bot.quiz.questions.model import Difficulty, PictureRequest, Question

MOU = "MOU"
WHO = "North Koreans"


def _as_of(facts: Facts) -> dt.date:
    return dt.date(facts.years[-1].last_year, 12, 31)


def _range(facts: Facts) -> str:
    return f"{facts.years[0].last_year}–{facts.years[-1].last_year}"


def _q(fam: Family, facts: Facts, key: str, difficulty: Difficulty, text: str,
       options: list[str], answer: str, explanation: str, rows: list[DefectorPeriod],
       params: dict, picture: PictureRequest) -> Question:
    return make(fam, key=key, difficulty=difficulty, text=text, options=options,
                answer=answer, explanation=explanation, source=defector_rows(rows),
                as_of=_as_of(facts), params=params, picture=picture)


def _figures(rows: list[DefectorPeriod]) -> str:
    """"2009: 2,914; 2021: 63" in year order, so the explanation shows every option's figure."""
    ordered = sorted(rows, key=lambda p: p.last_year)
    return "; ".join(f"{p.last_year}: {num(p.total)}" for p in ordered)


def _clear_gap(a: int, b: int, margin: float = policy.REVISION_MARGIN) -> bool:
    """Two totals far enough apart that no provisional report could swap their order."""
    return abs(a - b) >= margin * max(a, b)


def _numeric_ok(answer: int) -> Callable[[int, list[int]], bool]:
    """A real-number distractor: in the plausibility band, and clear of the answer."""

    def ok(c: int, chosen: list[int]) -> bool:
        return (
            c != answer
            and c not in chosen
            and in_band(c, answer, policy.BAND_LOW, policy.BAND_HIGH)
            and abs(c - answer) >= policy.NUMERIC_MIN_GAP * answer
        )

    return ok


def _extreme_year(fam: Family, facts: Facts, rng: random.Random, *,
                  most: bool) -> Question | None:
    ys = sorted(facts.years, key=lambda p: p.total, reverse=most)
    best, runner = ys[0], ys[1]
    if not _clear_gap(best.total, runner.total):
        return None  # a tie, or too close to call
    others = rng.sample(ys[1:], 3)
    word = "most" if most else "fewest"
    text = (f"In which year did the {word} {WHO} arrive in South Korea? "
            f"(Single years {_range(facts)}, {MOU} figures)")
    explanation = (
        f"{best.last_year} had the {word} arrivals of any single year {_range(facts)}: "
        f"{num(best.total)} (next: {runner.last_year} with {num(runner.total)}). "
        f"Options: {_figures([best, *others])}. 1998 and 1999–2001 are published only as "
        f"combined totals, so they are not ranked."
    )
    # No year highlighted: which bar is tallest is the answer the chart shows.
    return _q(fam, facts, "", "easy" if most else "medium", text,
              shuffled(rng, str(best.last_year), [str(p.last_year) for p in others]),
              str(best.last_year), explanation, [best, runner, *others], {},
              PictureRequest.chart())


@family("peak_year", "defectors", "easy")
def peak_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which single year had the most arrivals (2009, 2,914)."""
    return _extreme_year(fam, facts, rng, most=True)


@family("lowest_year", "defectors", "medium")
def lowest_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which single year had the fewest arrivals (2021, 63)."""
    return _extreme_year(fam, facts, rng, most=False)


@family("arrivals_in_year", "defectors", "easy", "medium", "hard", params={"year": YEAR})
def arrivals_in_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """How many arrived in a given year; the distractors are other years' real totals."""
    year = rng.choice(facts.years)
    difficulty: Difficulty = rng.choice(("easy", "medium", "hard"))
    by_total = {p.total: p for p in facts.years if p is not year}
    base_ok = _numeric_ok(year.total)

    def ratio(c: int) -> float:
        return max(c, year.total) / min(c, year.total)

    # The nearest distractor sets the difficulty: easy ≥ ×1.5 away, medium ≥ ×1.15, hard has
    # one closer than ×1.15 (but never within the 3% revision gap: base_ok).
    floor = {"easy": 1.5, "medium": 1.15, "hard": 1.0}[difficulty]

    def ok(c: int, chosen: list[int]) -> bool:
        return base_ok(c, chosen) and ratio(c) >= floor

    picked = pick_spread(rng, sorted(by_total), 3, ok)
    if picked is None:
        return None
    if difficulty == "hard" and min(ratio(c) for c in picked) >= 1.15:
        return None
    rows = [by_total[c] for c in picked]
    text = f"According to {MOU}, how many {WHO} arrived in South Korea in {year.last_year}?"
    explanation = (
        f"{MOU} counts {num(year.total)} arrivals in {year.last_year} ({num(year.male)} men, "
        f"{num(year.female)} women). The other options are the totals of other years: "
        f"{_figures(rows)}."
    )
    return _q(fam, facts, str(year.last_year), difficulty, text,
              ascending(year.total, picked, num), num(year.total), explanation,
              [year, *rows], {"year": year.last_year},
              PictureRequest.chart(highlight=year.last_year))


@family("more_arrivals", "defectors", "easy", "medium", "hard", params={"years": YEARS})
def more_arrivals(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which of two years had more arrivals."""
    a, b = sorted(rng.sample(facts.years, 2), key=lambda p: p.last_year)
    if not _clear_gap(a.total, b.total):
        return None
    more, less = (a, b) if a.total > b.total else (b, a)
    ratio = more.total / less.total
    difficulty: Difficulty = "easy" if ratio >= 2 else "medium" if ratio >= 1.25 else "hard"
    text = f"Which year saw more {WHO} arrive in South Korea: {a.last_year} or {b.last_year}?"
    explanation = (
        f"{more.last_year}: {num(more.total)} arrivals; {less.last_year}: {num(less.total)} "
        f"({signed(more.total - less.total)} for {more.last_year}, {MOU} figures)."
    )
    options = [str(a.last_year), str(b.last_year)]
    rng.shuffle(options)
    return _q(fam, facts, f"{a.last_year},{b.last_year}", difficulty, text, options,
              str(more.last_year), explanation, [a, b],
              {"years": (a.last_year, b.last_year)}, PictureRequest.chart())


def _steps(facts: Facts) -> list[tuple[DefectorPeriod, DefectorPeriod]]:
    """Consecutive single years only: 2001 → 2002 is not a step (2001 is inside 1999–2001)."""
    return [(x, y) for x, y in pairwise(facts.years) if y.last_year == x.last_year + 1]


def _largest_change(fam: Family, facts: Facts, rng: random.Random, *,
                    rise: bool) -> Question | None:
    steps = sorted(_steps(facts), key=lambda s: s[1].total - s[0].total, reverse=rise)
    (a, b), (c, d) = steps[0], steps[1]
    best, runner = abs(b.total - a.total), abs(d.total - c.total)
    if (b.total > a.total) != rise or best - runner < policy.CHANGE_MARGIN * runner:
        return None
    others = rng.sample(steps[1:], 3)
    word = "rise" if rise else "fall"
    text = (f"Between which two consecutive years did the number of {WHO} arriving in South "
            f"Korea {word} the most? ({MOU}, single years {_range(facts)})")
    listed = "; ".join(f"{year_pair(x.last_year, y.last_year)}: {signed(y.total - x.total)}"
                       for x, y in sorted([steps[0], *others], key=lambda s: s[0].last_year))
    explanation = (
        f"{year_pair(a.last_year, b.last_year)}: {num(a.total)} to {num(b.total)}, "
        f"{signed(b.total - a.total)}, the largest {word} between consecutive single years "
        f"(next: {year_pair(c.last_year, d.last_year)}, {signed(d.total - c.total)}). "
        f"Options: {listed}."
    )
    rows = [a, b, c, d, *(p for s in others for p in s)]
    answer = year_pair(a.last_year, b.last_year)
    options = shuffled(rng, answer, [year_pair(x.last_year, y.last_year) for x, y in others])
    return _q(fam, facts, "", "hard" if rise else "medium", text, options, answer,
              explanation, rows, {}, PictureRequest.chart())


@family("largest_fall", "defectors", "medium")
def largest_fall(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Largest year-on-year fall (2011 → 2012, −1,204)."""
    return _largest_change(fam, facts, rng, rise=False)


@family("largest_rise", "defectors", "hard")
def largest_rise(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Largest year-on-year rise (2005 → 2006, +644)."""
    return _largest_change(fam, facts, rng, rise=True)


THRESHOLDS = (2_500, 2_000, 1_500, 1_200, 1_000, 500, 100)


@family("first_year_below", "defectors", "medium", "hard",
        params={"after": YEAR, "threshold": NUMBER})
def first_year_below(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """After a given year, the first year with fewer than N arrivals."""
    threshold = rng.choice(THRESHOLDS)
    start = rng.choice(facts.years[:-4])
    if start.total < threshold:
        return None  # "first fell below" needs a start at or above the line
    later = [p for p in facts.years if p.last_year > start.last_year]
    first = next((p for p in later if p.total < threshold), None)
    if first is None:
        return None
    upto = [p for p in later if p.last_year <= first.last_year]
    # Consecutive single years only, and none so close to the line that a revision flips it.
    if any(p.last_year != start.last_year + i + 1 for i, p in enumerate(upto)):
        return None
    if any(abs(p.total - threshold) < policy.REVISION_MARGIN * threshold for p in [start, *upto]):
        return None
    others = rng.sample([p for p in later if p is not first], 3)
    gap = first.last_year - start.last_year
    text = (f"After {start.last_year} ({num(start.total)} arrivals), in which year did the "
            f"number of {WHO} arriving in South Korea first fall below {num(threshold)}?")
    explanation = (
        f"{first.last_year} was the first year after {start.last_year} with fewer than "
        f"{num(threshold)} arrivals ({num(first.total)}). {_figures(upto)}."
    )
    return _q(fam, facts, f"{start.last_year}:{threshold}",
              "hard" if gap >= 3 else "medium", text,
              shuffled(rng, str(first.last_year), [str(p.last_year) for p in others]),
              str(first.last_year), explanation, [start, *upto, *others],
              {"after": start.last_year, "threshold": threshold}, PictureRequest.chart())


def _share(p: DefectorPeriod) -> float:
    return 100 * p.female / p.total


@family("female_share", "defectors", "hard", params={"year": YEAR})
def female_share(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """About what share of a year's arrivals were women (one-decimal percentages)."""
    year = rng.choice(facts.years)
    answer = _share(year)
    # Other years' real shares make plausible distractors; any 5+ points apart will do.
    shares = sorted({round(_share(p), 1) for p in facts.years if p is not year})
    synthetic = [round(answer + d, 1) for d in (-30, -22, -15, -9, 9, 15, 22, 30)]

    def ok(c: float, chosen: list[float]) -> bool:
        return (0 < c <= 100 and in_band(c, answer, policy.BAND_LOW, policy.BAND_HIGH)
                and all(abs(c - x) >= policy.PERCENT_MIN_GAP for x in [answer, *chosen]))

    picked = pick_spread(rng, shares, 3, ok) or pick_spread(rng, synthetic, 3, ok)
    if picked is None:
        return None
    text = (f"About what share of the {WHO} who arrived in South Korea in {year.last_year} "
            f"were women?")
    explanation = (
        f"In {year.last_year}, {num(year.female)} of the {num(year.total)} arrivals were "
        f"women ({num(year.male)} men): {pct(answer)}."
    )
    options = [pct(v) for v in sorted([answer, *picked])]
    return _q(fam, facts, str(year.last_year), "hard", text, options, pct(answer),
              explanation, [year], {"year": year.last_year},
              PictureRequest.chart(highlight=year.last_year))


@family("men_outnumbered", "defectors", "hard")
def men_outnumbered(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """The rare year in which more men than women arrived."""
    men = [p for p in facts.years if p.male > p.female]
    women = [p for p in facts.years if p.female > p.male]
    if not men or len(women) < 3:
        return None
    year = rng.choice(men)
    others = rng.sample(women, 3)
    text = "In which of these years did more men than women arrive in South Korea from North Korea?"
    listed = "; ".join(f"{p.last_year}: {num(p.male)} men, {num(p.female)} women"
                       for p in sorted([year, *others], key=lambda p: p.last_year))
    explanation = (f"Women have made up most arrivals in almost every year; {year.last_year} is "
                   f"an exception. {listed}.")
    return _q(fam, facts, str(year.last_year), "hard", text,
              shuffled(rng, str(year.last_year), [str(p.last_year) for p in others]),
              str(year.last_year), explanation, [year, *others], {}, PictureRequest.chart())


def _span_sum(facts: Facts, first: int, last: int) -> int | None:
    """Total over consecutive single years, or None if any year is not one."""
    total = 0
    for y in range(first, last + 1):
        row = facts.year_by_number.get(y)
        if row is None:
            return None
        total += row.total
    return total


@family("span_total", "defectors", "hard", params={"first": YEAR, "last": YEAR})
def span_total(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Total arrivals over a span of single years; distractors are neighbouring spans."""
    years = [p.last_year for p in facts.years]
    first = rng.choice(years[:-1])
    last = first + rng.randint(1, 5)
    answer = _span_sum(facts, first, last)
    if answer is None:
        return None
    shifted = {(first + d1, last + d2) for d1 in (-2, -1, 0, 1) for d2 in (-1, 0, 1, 2)}
    sums = {}
    for a, b in sorted(shifted):
        s = _span_sum(facts, a, b) if a < b else None
        if s is not None and (a, b) != (first, last):
            sums.setdefault(s, (a, b))
    picked = pick_spread(rng, sorted(sums), 3, _numeric_ok(answer))
    if picked is None:
        return None
    rows = [facts.year_by_number[y] for y in range(first, last + 1)]
    text = (f"How many {WHO} arrived in South Korea in total from {first} to {last} "
            f"(both years included), according to {MOU}?")
    explanation = f"{' + '.join(num(p.total) for p in rows)} = {num(answer)} ({_figures(rows)})."
    if len(explanation) > 900:
        explanation = f"{num(answer)} in total ({_figures(rows)})."
    return _q(fam, facts, f"{first}-{last}", "hard", text,
              ascending(answer, picked, num), num(answer), explanation, rows,
              {"first": first, "last": last}, PictureRequest.chart(span=(first, last)))


def _cumulative(facts: Facts, year: int) -> int:
    # Everyone up to 1998 and 1999–2001 are whole periods before any single year; the half
    # year 2023-H1 is superseded by the full 2023 row and never counted.
    return facts.memo(("defectors-cumulative", year), lambda: sum(
        p.total for p in facts.periods
        if p.kind is not PeriodKind.PARTIAL and p.last_year <= year))


@family("cumulative_total", "defectors", "hard", params={"year": YEAR})
def cumulative_total(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """How many had arrived in total by the end of a year since records began."""
    year = rng.choice(facts.years)
    answer = _cumulative(facts, year.last_year)
    by_value = {_cumulative(facts, p.last_year): p.last_year for p in facts.years
                if p is not year}
    picked = pick_spread(rng, sorted(by_value), 3, _numeric_ok(answer))
    if picked is None:
        return None
    counted = [p for p in facts.periods
               if p.kind is not PeriodKind.PARTIAL and p.last_year <= year.last_year]
    text = (f"By the end of {year.last_year}, how many {WHO} had arrived in South Korea in "
            f"total since {MOU}'s records began?")
    buckets = [p for p in counted if p.kind is PeriodKind.AGGREGATE]
    parts = ", ".join(
        f"{num(p.total)} " + ("recorded up to 1998" if p.first_year is None else
                              f"for {p.first_year}–{p.last_year} combined") for p in buckets)
    explanation = (
        f"{MOU}'s running total reached {num(answer)} by the end of {year.last_year}: {parts}, "
        f"plus every single year from {facts.years[0].last_year}. The other options are the "
        f"totals at the end of other years ("
        + "; ".join(f"{by_value[v]}: {num(v)}" for v in sorted(picked)) + ")."
    )
    return _q(fam, facts, str(year.last_year), "hard", text,
              ascending(answer, picked, num), num(answer), explanation, counted,
              {"year": year.last_year}, PictureRequest.chart(highlight=year.last_year))


TREND_KINDS = ("more_than", "rose_every_year", "fell_every_year", "more_than_double")


def _trend_truth(facts: Facts, kind: str, a: int, b: int) -> bool | None:
    """The statement's truth, or None when it is too close to call."""
    t = facts.memo("defectors-totals", lambda: {p.last_year: p.total for p in facts.years})
    if kind == "more_than":
        return t[a] > t[b] if _clear_gap(t[a], t[b]) else None
    if kind == "more_than_double":
        ratio = t[a] / t[b]
        return None if policy.DOUBLE_LOW <= ratio <= policy.DOUBLE_HIGH else ratio > 2
    if any(y not in t for y in range(a, b + 1)):
        return None
    steps = [(t[y - 1], t[y]) for y in range(a + 1, b + 1)]
    if not all(_clear_gap(x, y) for x, y in steps):
        return None
    if kind == "rose_every_year":
        return all(y > x for x, y in steps)
    return all(y < x for x, y in steps)


def _trend_text(kind: str, a: int, b: int) -> str:
    return {
        "more_than": f"More {WHO} arrived in South Korea in {a} than in {b}.",
        "more_than_double": f"More than twice as many {WHO} arrived in South Korea in {a} "
                            f"as in {b}.",
        "rose_every_year": f"The number of {WHO} arriving in South Korea rose every year from "
                          f"{a} to {b}.",
        "fell_every_year": f"The number of {WHO} arriving in South Korea fell every year from "
                          f"{a} to {b}.",
    }[kind]


@family("trend_tf", "defectors", "medium", params={"kind": WORD, "a": YEAR, "b": YEAR})
def trend_tf(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """True/false statements about the trend, compared on the exact yearly totals."""
    # Aim for as many true as false statements: draw the wanted truth first.
    wanted = rng.random() < 0.5
    kind = rng.choice(TREND_KINDS)
    years = [p.last_year for p in facts.years]
    for _ in range(20):
        if kind in ("more_than", "more_than_double"):
            a, b = rng.sample(years, 2)
        else:
            a = rng.choice(years[:-2])
            b = a + rng.randint(2, 4)
            if b not in facts.year_by_number:
                continue
        truth = _trend_truth(facts, kind, a, b)
        if truth is wanted:
            break
    else:
        return None
    if kind in ("rose_every_year", "fell_every_year"):
        rows = [facts.year_by_number[y] for y in range(a, b + 1)]
    else:
        rows = [facts.year_by_number[a], facts.year_by_number[b]]
    options, answer = true_false(truth)
    explanation = f"{'True' if truth else 'False'}: {_figures(rows)} ({MOU})."
    if kind == "more_than_double":
        ratio = facts.year_by_number[a].total / facts.year_by_number[b].total
        explanation = (f"{'True' if truth else 'False'}: {a} had {ratio:.2f} times as many as "
                       f"{b} ({_figures(rows)}, {MOU}).")
    text = f"True or false? {_trend_text(kind, a, b)}"
    return _q(fam, facts, f"{kind}:{a}-{b}", "medium", text, options, answer,
              explanation, rows, {"kind": kind, "a": a, "b": b}, PictureRequest.chart())

