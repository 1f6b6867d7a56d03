"""Question families on North Koreans arriving in South Korea (MOU's table).

Only single calendar years (``facts.years``) are ranked, compared, summed as spans or offered
as options: MOU's ``~1998`` (everyone up to 1998), ``1999-2001`` (three years combined) and
``2023-H1`` (a half year) rows never appear as a year. The cumulative-total family is the one
place the two aggregate rows are used, as what they are: parts of a running total.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from itertools import pairwise

from bot.facts.format import num, signed
from bot.facts.records import DefectorPeriod, Facts, PeriodKind
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._build import (
    around,
    ascending,
    in_band,
    make,
    ranked,
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


def _arrivals(facts: Facts, first: int, last: int) -> set[str]:
    """The fact keys of every single year's total from ``first`` to ``last``: a question
    whose answer is computed from all of a span's figures (a total, a count of years) asks
    all of them, so an earlier explanation that listed any of them keeps it out of the rest
    of the round."""
    return {f"arrivals:{y}" for y in range(first, last + 1) if y in facts.year_by_number}


def _q(fam: Family, facts: Facts, key: str, difficulty: Difficulty, text: str,
       options: list[str], answer: str, explanation: str, rows: list[DefectorPeriod],
       params: dict, picture: PictureRequest | None, *, subjects: Iterable[str] = (),
       asks: Iterable[str] = (), reveals: Iterable[str] = ()) -> Question:
    # Every figure the explanation lists is revealed (see FACT KEYS in model.py), so a round
    # never asks a year's total after an explanation showed it.
    shown = {f"arrivals:{p.last_year}" for p in rows if p.is_year}
    shown |= {f"bucket:{p.label}" for p in rows if not p.is_year}
    return make(fam, key=key, difficulty=difficulty, text=text, options=options,
                answer=answer, explanation=explanation, source=defector_rows(rows),
                as_of=_as_of(facts), params=params, picture=picture, subjects=subjects,
                asks=asks, reveals={*shown, *asks, *reveals})


def _by_year(options: list[int]) -> list[str]:
    """Year options in calendar order: with the key's rank drawn uniformly (``ranked``),
    neither "the earliest" nor "the latest" nor a fixed position wins more than its share."""
    return [str(y) for y in sorted(options)]


def _spans(facts: Facts, min_len: int) -> list[tuple[int, int]]:
    """Every run of consecutive single years at least ``min_len`` long, oldest first."""
    years = [p.last_year for p in facts.years]
    out = []
    for i, a in enumerate(years):
        for j in range(i + min_len - 1, len(years)):
            if years[j] - a != j - i:
                break
            out.append((a, years[j]))
    return out


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


def _span_text(facts: Facts, a: int, b: int) -> str:
    whole = (a, b) == (facts.years[0].last_year, facts.years[-1].last_year)
    return f"single years {_range(facts)}" if whole else f"from {a} to {b}"


def _extreme_year(fam: Family, facts: Facts, rng: random.Random, *, most: bool,
                  overall: bool) -> Question | None:
    """The year with the most (fewest) arrivals within a span of single years. ``overall``:
    only spans whose answer is the all-time one (peak_year / lowest_year); otherwise only
    spans whose answer is not (extreme_in_span), so the two families never ask the same."""
    word = "most" if most else "fewest"
    extreme = max if most else min
    record = extreme(facts.years, key=lambda p: p.total)

    def fair(span: tuple[int, int]) -> bool:
        a, b = span
        rows = sorted((p for p in facts.years if a <= p.last_year <= b),
                      key=lambda p: p.total, reverse=most)
        best, runner = rows[0], rows[1]
        # Every rank possible (see around(every_rank=True)): three years on each side.
        return ((best is record) == overall and _clear_gap(best.total, runner.total)
                and sum(p.last_year < best.last_year for p in rows) >= 3
                and sum(p.last_year > best.last_year for p in rows) >= 3)

    spans = facts.memo(("defectors-extreme-spans", most, overall),
                       lambda: [s for s in _spans(facts, 7) if fair(s)])
    if not spans:
        return None

    def attempt(rank: int) -> Question | None:
        a, b = rng.choice(spans)
        rows = sorted((p for p in facts.years if a <= p.last_year <= b),
                      key=lambda p: p.total, reverse=most)
        best, runner = rows[0], rows[1]
        before = [p for p in rows[1:] if p.last_year < best.last_year]
        after = [p for p in rows[1:] if p.last_year > best.last_year]
        others = rng.sample(before, rank) + rng.sample(after, 3 - rank)
        text = (f"In which year did the {word} {WHO} arrive in South Korea? "
                f"({MOU} figures, {_span_text(facts, a, b)})")
        note = (" 1998 and 1999–2001 are published only as combined totals, so they are not "
                "ranked." if a == facts.years[0].last_year else "")
        explanation = (
            f"{best.last_year} had the {word} arrivals {_span_text(facts, a, b)}: "
            f"{num(best.total)} (next: {runner.last_year} with {num(runner.total)}). "
            f"Options: {_figures([best, *others])}.{note}"
        )
        kind = "peak" if most else "lowest"
        return _q(fam, facts, f"{kind}:{a}-{b}" if "kind" in fam.params else f"{a}-{b}",
                  "easy" if most and overall else "medium" if overall else "hard", text,
                  _by_year([best.last_year, *(p.last_year for p in others)]),
                  str(best.last_year), explanation, [best, runner, *others],
                  {"first": a, "last": b, **({"kind": kind} if "kind" in fam.params else {})},
                  PictureRequest.chart(span=(a, b)),
                  subjects={f"span:{a}-{b}"},
                  # The answer is given away by its own figure (2009: 2,914) or the extreme
                  # itself; another year's figure narrows nothing.
                  asks={f"extreme:{kind}:{a}-{b}", f"arrivals:{best.last_year}"})

    return ranked(rng, 3, attempt)


@family("peak_year", "defectors", "easy", params={"first": YEAR, "last": YEAR})
def peak_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which single year had the most arrivals (2009, 2,914), within spans that include it."""
    return _extreme_year(fam, facts, rng, most=True, overall=True)


@family("lowest_year", "defectors", "medium", params={"first": YEAR, "last": YEAR})
def lowest_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Which single year had the fewest arrivals (2021, 63), within spans that include it."""
    return _extreme_year(fam, facts, rng, most=False, overall=True)


@family("arrivals_in_year", "defectors", "easy", "medium", "hard", params={"year": YEAR})
def arrivals_in_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """How many arrived in a given year; the distractors are other years' real totals."""
    difficulty: Difficulty = rng.choice(("easy", "medium", "hard"))
    # The nearest distractor sets the difficulty: easy ≥ ×1.5 away, medium ≥ ×1.15, hard has
    # one closer than ×1.15 (but never within the 3% revision gap: base_ok).
    floor = {"easy": 1.5, "medium": 1.15, "hard": 1.0}[difficulty]

    def attempt(rank: int) -> Question | None:
        year = rng.choice(facts.years)
        by_total = {p.total: p for p in facts.years if p is not year}
        base_ok = _numeric_ok(year.total)

        def ratio(c: int) -> float:
            return max(c, year.total) / min(c, year.total)

        def ok(c: int, chosen: list[int]) -> bool:
            return base_ok(c, chosen) and ratio(c) >= floor

        picked = around(rng, year.total, sorted(by_total), 3, ok, rank)
        if picked is None:
            return None
        if difficulty == "hard" and min(ratio(c) for c in picked) >= 1.15:
            return None
        rows = [by_total[c] for c in picked]
        y = year.last_year
        text = f"According to {MOU}, how many {WHO} arrived in South Korea in {y}?"
        explanation = (
            f"{MOU} counts {num(year.total)} arrivals in {y} ({num(year.male)} men, "
            f"{num(year.female)} women). The other options are the totals of other years: "
            f"{_figures(rows)}."
        )
        return _q(fam, facts, str(y), difficulty, text,
                  ascending(year.total, picked, num), num(year.total), explanation,
                  [year, *rows], {"year": y}, PictureRequest.chart(highlight=y),
                  subjects={f"year:{y}"}, asks={f"arrivals:{y}"},
                  reveals={f"men:{y}", f"women:{y}"})

    return ranked(rng, 3, attempt)


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
              {"years": (a.last_year, b.last_year)}, PictureRequest.chart(),
              subjects={f"year:{a.last_year}", f"year:{b.last_year}"},
              asks={f"arrivals:{a.last_year}", f"arrivals:{b.last_year}"})


def _steps(facts: Facts) -> list[tuple[DefectorPeriod, DefectorPeriod]]:
    """Consecutive single years only: 2001 → 2002 is not a step (2001 is inside 1999–2001)."""
    return [(x, y) for x, y in pairwise(facts.years) if y.last_year == x.last_year + 1]


def _largest_change(fam: Family, facts: Facts, rng: random.Random, *, rise: bool,
                    overall: bool) -> Question | None:
    """The largest rise (fall) between consecutive single years within a span; ``overall``
    as in :func:`_extreme_year`."""
    def delta(s: tuple[DefectorPeriod, DefectorPeriod]) -> int:
        return s[1].total - s[0].total

    record = sorted(_steps(facts), key=delta, reverse=rise)[0]
    a, b = rng.choice(_spans(facts, 5))
    steps = sorted((s for s in _steps(facts) if a <= s[0].last_year and s[1].last_year <= b),
                   key=delta, reverse=rise)
    (x, y), (c, d) = steps[0], steps[1]
    best, runner = abs(y.total - x.total), abs(d.total - c.total)
    if (steps[0] == record) != overall or (y.total > x.total) != rise \
            or best - runner < policy.CHANGE_MARGIN * runner:
        return None
    others = rng.sample(steps[1:], 3)
    word = "rise" if rise else "fall"
    text = (f"Between which two consecutive years did the number of {WHO} arriving in South "
            f"Korea {word} the most? ({MOU}, {_span_text(facts, a, b)})")
    listed = "; ".join(f"{year_pair(p.last_year, q.last_year)}: {signed(q.total - p.total)}"
                       for p, q in sorted([steps[0], *others], key=lambda s: s[0].last_year))
    explanation = (
        f"{year_pair(x.last_year, y.last_year)}: {num(x.total)} to {num(y.total)}, "
        f"{signed(y.total - x.total)}, the largest {word} between consecutive single years "
        f"{_span_text(facts, a, b)} (next: {year_pair(c.last_year, d.last_year)}, "
        f"{signed(d.total - c.total)}). Options: {listed}."
    )
    rows = [x, y, c, d, *(p for s in others for p in s)]
    answer = year_pair(x.last_year, y.last_year)
    options = shuffled(rng, answer, [year_pair(p.last_year, q.last_year) for p, q in others])
    kind = "largest_rise" if rise else "largest_fall"
    params: dict = {"first": a, "last": b}
    if "kind" in fam.params:
        params["kind"] = kind
    return _q(fam, facts, f"{a}-{b}" if "kind" not in fam.params else f"{kind}:{a}-{b}",
              "hard" if rise or not overall else "medium", text, options, answer,
              explanation, rows, params, PictureRequest.chart(span=(a, b)),
              subjects={f"span:{a}-{b}"},
              asks={f"extreme:{kind}:{a}-{b}", f"arrivals:{x.last_year}",
                    f"arrivals:{y.last_year}"})


@family("largest_fall", "defectors", "medium", params={"first": YEAR, "last": YEAR})
def largest_fall(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Largest year-on-year fall (2011 → 2012, −1,204), within spans that include it."""
    return _largest_change(fam, facts, rng, rise=False, overall=True)


@family("largest_rise", "defectors", "hard", params={"first": YEAR, "last": YEAR})
def largest_rise(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Largest year-on-year rise (2005 → 2006, +644), within spans that include it."""
    return _largest_change(fam, facts, rng, rise=True, overall=True)


# Peak and lowest within a span are kinds too, but with the current data no span whose peak
# (low) is not the all-time one leaves three years on each side of it, so only the changes
# are drawn; the solver judges all four.
EXTREMES = ("largest_rise", "largest_fall")


@family("extreme_in_span", "defectors", "medium", "hard",
        params={"kind": WORD, "first": YEAR, "last": YEAR})
def extreme_in_span(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """The largest rise or fall within a span whose answer is not the all-time one
    (e.g. the largest fall 2013–2019: 2019 → 2020 is outside; 2016 → 2017, −291)."""
    kind = rng.choice(EXTREMES)
    if kind in ("peak", "lowest"):
        return _extreme_year(fam, facts, rng, most=kind == "peak", overall=False)
    return _largest_change(fam, facts, rng, rise=kind == "largest_rise", overall=False)


THRESHOLDS = (2_500, 2_000, 1_500, 1_200, 1_000, 500, 100)


@family("first_year_below", "defectors", "medium", "hard",
        params={"after": YEAR, "threshold": NUMBER})
def first_year_below(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """After a given year, the first year with fewer than N arrivals."""

    def attempt(rank: int) -> Question | None:
        threshold = rng.choice(THRESHOLDS)
        start = rng.choice(facts.years[:-4])
        if start.total < threshold:
            return None  # "first fell below" needs a start at or above the line
        later = [p for p in facts.years if p.last_year > start.last_year]
        first = next((p for p in later if p.total < threshold), None)
        if first is None:
            return None
        upto = [p for p in later if p.last_year <= first.last_year]
        # Consecutive single years only, and none so close to the line that a revision
        # flips it.
        if any(p.last_year != start.last_year + i + 1 for i, p in enumerate(upto)):
            return None
        if any(abs(p.total - threshold) < policy.REVISION_MARGIN * threshold
               for p in [start, *upto]):
            return None
        before = [p for p in upto if p is not first]
        after = [p for p in later if p.last_year > first.last_year]
        if len(before) < rank or len(after) < 3 - rank:
            return None
        others = rng.sample(before, rank) + rng.sample(after, 3 - rank)
        gap = first.last_year - start.last_year
        text = (f"After {start.last_year} ({num(start.total)} arrivals), in which year did the "
                f"number of {WHO} arriving in South Korea first fall below {num(threshold)}?")
        explanation = (
            f"{first.last_year} was the first year after {start.last_year} with fewer than "
            f"{num(threshold)} arrivals ({num(first.total)}). {_figures(upto)}."
        )
        return _q(fam, facts, f"{start.last_year}:{threshold}",
                  "hard" if gap >= 3 else "medium", text,
                  _by_year([first.last_year, *(p.last_year for p in others)]),
                  str(first.last_year), explanation, [start, *upto, *others],
                  {"after": start.last_year, "threshold": threshold}, PictureRequest.chart(),
                  subjects={f"year:{start.last_year}"},
                  asks={f"below:{threshold}:after:{start.last_year}",
                        f"arrivals:{first.last_year}"})

    return ranked(rng, 3, attempt)


def _share(p: DefectorPeriod) -> float:
    return 100 * p.female / p.total


def _share_options(rng: random.Random, answer: float, real: list[float],
                   rank: int) -> list[float] | None:
    """Three one-decimal shares ≥ 5 points from the answer and from each other, placing the
    answer at ``rank``: real shares of other years first, synthetic offsets otherwise."""
    synthetic = [round(answer + d, 1) for d in (-30, -22, -15, -9, 9, 15, 22, 30)]

    def ok(c: float, chosen: list[float]) -> bool:
        return (0 < c <= 100 and in_band(c, answer, policy.BAND_LOW, policy.BAND_HIGH)
                and all(abs(c - x) >= policy.PERCENT_MIN_GAP for x in [answer, *chosen]))

    return (around(rng, answer, sorted(set(real)), 3, ok, rank)
            or around(rng, answer, synthetic, 3, ok, rank))


@family("female_share", "defectors", "hard", params={"year": YEAR})
def female_share(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """About what share of a year's arrivals were women (one-decimal percentages)."""

    def attempt(rank: int) -> Question | None:
        year = rng.choice(facts.years)
        answer = _share(year)
        picked = _share_options(rng, answer, [round(_share(p), 1) for p in facts.years
                                              if p is not year], rank)
        if picked is None:
            return None
        y = year.last_year
        text = f"About what share of the {WHO} who arrived in South Korea in {y} were women?"
        explanation = (
            f"In {y}, {num(year.female)} of the {num(year.total)} arrivals were "
            f"women ({num(year.male)} men): {pct(answer)}."
        )
        options = [pct(v) for v in sorted([answer, *picked])]
        return _q(fam, facts, str(y), "hard", text, options, pct(answer),
                  explanation, [year], {"year": y}, PictureRequest.gender(highlight=y),
                  subjects={f"year:{y}"}, asks={f"women:{y}"},
                  reveals={f"men:{y}"})

    return ranked(rng, 3, attempt)


@family("men_outnumbered", "defectors", "hard")
def men_outnumbered(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """The rare year in which more men than women arrived."""
    men = [p for p in facts.years if p.male > p.female]
    women = [p for p in facts.years if p.female > p.male]
    if not men or len(women) < 3:
        return None

    def attempt(rank: int) -> Question | None:
        year = rng.choice(men)
        before = [p for p in women if p.last_year < year.last_year]
        after = [p for p in women if p.last_year > year.last_year]
        if len(before) < rank or len(after) < 3 - rank:
            return None
        others = rng.sample(before, rank) + rng.sample(after, 3 - rank)
        text = ("In which of these years did more men than women arrive in South Korea from "
                "North Korea?")
        listed = "; ".join(f"{p.last_year}: {num(p.male)} men, {num(p.female)} women"
                           for p in sorted([year, *others], key=lambda p: p.last_year))
        explanation = (f"Women have made up most arrivals in almost every year; "
                       f"{year.last_year} is an exception. {listed}.")
        shown = [year, *others]
        return _q(fam, facts, str(year.last_year), "hard", text,
                  _by_year([p.last_year for p in shown]),
                  str(year.last_year), explanation, shown, {},
                  PictureRequest.gender(),
                  asks={f"{k}:{p.last_year}" for p in shown for k in ("men", "women")})

    return ranked(rng, 3, attempt)


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

    def attempt(rank: int) -> Question | None:
        first = rng.choice(years[:-1])
        last = first + rng.randint(1, 5)
        answer = _span_sum(facts, first, last)
        if answer is None:
            return None
        shifted = {(first + d1, last + d2) for d1 in (-2, -1, 0, 1) for d2 in (-1, 0, 1, 2)}
        sums: dict[int, tuple[int, int]] = {}
        for a, b in sorted(shifted):
            s = _span_sum(facts, a, b) if a < b else None
            if s is not None and (a, b) != (first, last):
                sums.setdefault(s, (a, b))
        picked = around(rng, answer, sorted(sums), 3, _numeric_ok(answer), rank)
        if picked is None:
            return None
        rows = [facts.year_by_number[y] for y in range(first, last + 1)]
        text = (f"How many {WHO} arrived in South Korea in total from {first} to {last} "
                f"(both years included), according to {MOU}?")
        explanation = (f"{' + '.join(num(p.total) for p in rows)} = {num(answer)} "
                       f"({_figures(rows)}).")
        if len(explanation) > 900:
            explanation = f"{num(answer)} in total ({_figures(rows)})."
        return _q(fam, facts, f"{first}-{last}", "hard", text,
                  ascending(answer, picked, num), num(answer), explanation, rows,
                  {"first": first, "last": last}, PictureRequest.chart(span=(first, last)),
                  subjects={f"span:{first}-{last}"},
                  asks={f"span:{first}-{last}", *_arrivals(facts, first, last)})

    return ranked(rng, 3, attempt)


def _cumulative(facts: Facts, year: int) -> int:
    # Everyone up to 1998 and 1999–2001 are whole periods before any single year; the half
    # year 2023-H1 is superseded by the full 2023 row and never counted.
    return facts.memo(("defectors-cumulative", year), lambda: sum(
        p.total for p in facts.periods
        if p.kind is not PeriodKind.PARTIAL and p.last_year <= year))


def _counted(facts: Facts, year: int) -> list[DefectorPeriod]:
    return [p for p in facts.periods
            if p.kind is not PeriodKind.PARTIAL and p.last_year <= year]


@family("cumulative_total", "defectors", "hard", params={"year": YEAR})
def cumulative_total(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """How many had arrived in total by the end of a year since records began."""

    def attempt(rank: int) -> Question | None:
        year = rng.choice(facts.years)
        answer = _cumulative(facts, year.last_year)
        by_value = {_cumulative(facts, p.last_year): p.last_year for p in facts.years
                    if p is not year}
        picked = around(rng, answer, sorted(by_value), 3, _numeric_ok(answer), rank)
        if picked is None:
            return None
        y = year.last_year
        counted = _counted(facts, y)
        text = (f"By the end of {y}, how many {WHO} had arrived in South Korea in "
                f"total since {MOU}'s records began?")
        buckets = [p for p in counted if p.kind is PeriodKind.AGGREGATE]
        parts = ", ".join(
            f"{num(p.total)} " + ("recorded up to 1998" if p.first_year is None else
                                  f"for {p.first_year}–{p.last_year} combined") for p in buckets)
        explanation = (
            f"{MOU}'s running total reached {num(answer)} by the end of {y}: {parts}, "
            f"plus every single year from {facts.years[0].last_year}. The other options are "
            f"the totals at the end of other years ("
            + "; ".join(f"{by_value[v]}: {num(v)}" for v in sorted(picked)) + ")."
        )
        # The listed rows are sources, not revealed figures: the explanation states sums.
        return _q(fam, facts, str(y), "hard", text,
                  ascending(answer, picked, num), num(answer), explanation, buckets,
                  {"year": y}, PictureRequest.cumulative(highlight=y),
                  subjects={f"year:{y}"}, asks={f"cumulative:{y}"},
                  reveals={f"cumulative:{by_value[v]}" for v in picked})

    return ranked(rng, 3, attempt)


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
    # Drawn until the wanted truth turns up (a rare one, such as "rose every year", takes many
    # tries): giving up early would tilt the sample toward the common answer, False.
    wanted = rng.random() < 0.5
    years = [p.last_year for p in facts.years]
    for _ in range(300):
        kind = rng.choice(TREND_KINDS)
        if kind in ("more_than", "more_than_double"):
            a, b = rng.sample(years, 2)
        else:
            a = rng.choice(years[:-2])
            b = a + rng.randint(2, 4)
            if b not in facts.year_by_number:
                continue
        truth = _trend_truth(facts, kind, a, b)
        # Only statements whose counterpart (the years swapped; "rose" for "fell") has the
        # opposite truth: then the true and the false statements are equally many, and a
        # sample that skips used ids stays balanced instead of running out of true ones.
        mirror = (_trend_truth(facts, kind, b, a) if kind in ("more_than", "more_than_double")
                  else _trend_truth(facts, "fell_every_year" if kind == "rose_every_year"
                                    else "rose_every_year", a, b))
        if truth is wanted and mirror is (not wanted):
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
              explanation, rows, {"kind": kind, "a": a, "b": b}, PictureRequest.chart(),
              subjects={f"year:{a}", f"year:{b}"},
              asks={f"trend:{kind}:{a}-{b}", *(f"arrivals:{p.last_year}" for p in rows)})



# --- running totals, shares and MOU's own caveats ---------------------------------------------

MILESTONES = (1_000, 2_500, 5_000, 7_500, 10_000, 15_000, 20_000, 25_000, 30_000)


def _milestone_year(facts: Facts, threshold: int) -> DefectorPeriod | None:
    """The single year in which the running total first reached ``threshold``; None when it
    was reached inside one of MOU's combined rows (1,000 inside 1999–2001: no year can be
    named) or so narrowly that a revision of that year's own figure could move it."""
    for p in sorted(_counted(facts, facts.years[-1].last_year), key=lambda p: p.last_year):
        total = _cumulative(facts, p.last_year)
        if total < threshold:
            continue
        if not p.is_year:
            return None
        before = total - p.total
        margin = policy.REVISION_MARGIN * p.total
        return p if total - threshold >= margin and threshold - before >= margin else None
    return None


@family("cumulative_milestone", "defectors", "medium", "hard", params={"threshold": NUMBER})
def cumulative_milestone(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """The year MOU's running total passed 5,000 / 10,000 / … (10,000: 2007)."""

    def attempt(rank: int) -> Question | None:
        threshold = rng.choice(MILESTONES)
        year = _milestone_year(facts, threshold)
        if year is None:
            return None
        y = year.last_year
        years = [p.last_year for p in facts.years if p is not year]
        picked = around(rng, y, years, 3, lambda c, chosen: c not in chosen, rank)
        if picked is None:
            return None
        text = (f"In which year did the running total of {WHO} who had arrived in South Korea "
                f"since {MOU}'s records began pass {num(threshold)}?")
        explanation = (
            f"The running total stood at {num(_cumulative(facts, y - 1))} at the end of "
            f"{y - 1} and {num(_cumulative(facts, y))} at the end of {y} ({num(year.total)} "
            f"arrived in {y}). It counts everyone recorded up to 1998 (947) and 1999–2001 "
            f"(1,043) as published, combined."
        )
        return _q(fam, facts, str(threshold), "medium" if threshold % 10_000 == 0 else "hard",
                  text, _by_year([y, *picked]), str(y), explanation, [year],
                  {"threshold": threshold}, PictureRequest.cumulative(),
                  subjects={f"milestone:{threshold}"},
                  asks={f"milestone:{threshold}", f"cumulative:{y - 1}", f"cumulative:{y}"})

    return ranked(rng, 3, attempt)


def _women_by(facts: Facts, year: int) -> tuple[int, int]:
    rows = _counted(facts, year)
    return sum(p.female for p in rows), sum(p.total for p in rows)


@family("women_share_overall", "defectors", "medium", "hard", params={"year": YEAR})
def women_share_overall(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Of everyone recorded up to the end of a year, about what share were women
    (end of 2025: 24,944 of 34,537, 72.2%)."""

    def attempt(rank: int) -> Question | None:
        year = rng.choice(facts.years)
        y = year.last_year
        women, total = _women_by(facts, y)
        answer = 100 * women / total
        real = [round(100 * w / t, 1) for w, t in (_women_by(facts, p.last_year)
                                                   for p in facts.years if p is not year)]
        picked = _share_options(rng, answer, real, rank)
        if picked is None:
            return None
        latest = y == facts.years[-1].last_year
        text = (f"Of all {num(total)} {WHO} recorded as arriving in South Korea up to the end "
                f"of {y}{' (latest data)' if latest else ''}, about what share were women?")
        explanation = (
            f"{num(women)} women and {num(total - women)} men: {pct(answer)} women, by "
            f"{MOU}'s running totals (everyone recorded up to 1998 and 1999–2001 included)."
        )
        return _q(fam, facts, str(y), "medium" if latest else "hard", text,
                  [pct(v) for v in sorted([answer, *picked])], pct(answer), explanation,
                  [year], {"year": y}, PictureRequest.gender(highlight=y),
                  subjects={f"year:{y}"}, asks={f"women_share_by:{y}"},
                  reveals={f"cumulative:{y}"})

    return ranked(rng, 3, attempt)


@family("women_in_year", "defectors", "medium", "hard", params={"year": YEAR})
def women_in_year(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """How many women arrived in a year; distractors are other years' counts of women (never
    the same year's men or total, which a player could take for another reading)."""

    def attempt(rank: int) -> Question | None:
        year = rng.choice(facts.years)
        y = year.last_year
        other = {p.female: p for p in facts.years if p is not year}
        for taken in (year.male, year.total):
            other.pop(taken, None)
        picked = around(rng, year.female, sorted(other), 3, _numeric_ok(year.female), rank)
        if picked is None:
            return None
        text = f"According to {MOU}, how many women were among the {WHO} who arrived in {y}?"
        listed = "; ".join(f"{other[v].last_year}: {num(v)}" for v in
                           sorted(picked, key=lambda v: other[v].last_year))
        explanation = (f"{num(year.female)} women and {num(year.male)} men arrived in {y} "
                       f"({num(year.total)} in all). The other options are other years' "
                       f"counts of women ({listed}).")
        return _q(fam, facts, str(y), "hard" if year.female < 500 else "medium", text,
                  ascending(year.female, picked, num), num(year.female), explanation,
                  [year], {"year": y}, PictureRequest.gender(highlight=y),
                  subjects={f"year:{y}"}, asks={f"women:{y}"},
                  reveals={f"men:{y}", *(f"women:{other[v].last_year}" for v in picked)})

    return ranked(rng, 3, attempt)


# The caveats every reader of MOU's table (and of the Visual Capitalist chart) must know. Each
# option is a claim the solver checks against the rows on its own.
CAVEATS = ("combined_1999_2001", "half_year_2023", "men_before_1999")
CAVEAT_OPTIONS = {
    "combined_1999_2001": ("1999, 2000 and 2001 combined", "2001 alone",
                           "Everyone who had arrived by the end of 2001",
                           "The yearly average of 1999 to 2001"),
    "half_year_2023": ("99 covers only January to June 2023",
                       "196 also counts arrivals in third countries",
                       "99 counts only the women who arrived",
                       "MOU later revised 2023 down to 99"),
    "men_before_1999": ("Men", "Women", "About as many men as women"),
}


@family("data_caveat", "defectors", "medium", "hard", params={"kind": WORD})
def data_caveat(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """What MOU's combined and partial rows mean: 1999–2001 is three years combined, the
    article's 99 for 2023 is January–June only, and most of the 947 up to 1998 were men."""
    kind = rng.choice(CAVEATS)
    rows = {p.label: p for p in facts.periods}
    if kind == "combined_1999_2001":
        row = rows.get("1999-2001")
        if row is None:
            return None
        text = (f"{MOU}'s table gives {num(row.total)} {WHO} arriving in South Korea for "
                f"1999–2001 (Visual Capitalist's chart labels the bar \"2001\"). What does "
                f"that figure cover?")
        explanation = (f"{num(row.total)} is 1999, 2000 and 2001 together: {MOU} does not "
                       f"publish those years separately (the running total at the end of 2001 "
                       f"was {num(_cumulative(facts, 2001))}).")
        used, asks = [row], {"bucket:1999-2001"}
    elif kind == "half_year_2023":
        half, full = rows.get("2023-H1"), facts.year_by_number.get(2023)
        if half is None or full is None:
            return None
        text = (f"Visual Capitalist's chart 'Charted: The Number of North Korean Defectors "
                f"(1998-2023)' shows {num(half.total)} arrivals for 2023; {MOU}'s figure for "
                f"2023 is {num(full.total)}. Why the difference?")
        explanation = (f"The article was drawn up mid-2023: its {num(half.total)} covers "
                       f"January–June only. The full year, {num(full.total)}, came later "
                       f"({num(full.female)} women, {num(full.male)} men).")
        used, asks = [half, full], {"bucket:2023-H1"}
    else:
        row = rows.get("~1998")
        if row is None or row.male == row.female:
            return None
        text = (f"Of the {num(row.total)} {WHO} recorded as arriving in South Korea up to the "
                f"end of 1998, who made up the majority?")
        explanation = (f"{num(row.male)} men and {num(row.female)} women: before 1999 men "
                       f"made up most arrivals; women have outnumbered men in almost every "
                       f"year since 2002.")
        used, asks = [row], {"bucket:~1998"}
    options = list(CAVEAT_OPTIONS[kind])
    answer = options[0]
    if kind == "men_before_1999" and used[0].female > used[0].male:
        answer = options[1]
    rng.shuffle(options)
    return _q(fam, facts, kind, "medium" if kind == "half_year_2023" else "hard", text,
              options, answer, explanation, used, {"kind": kind}, None,
              subjects={f"caveat:{kind}"}, asks=asks)


@family("year_ratio", "defectors", "medium", "hard", params={"first": YEAR, "last": YEAR})
def year_ratio(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """How many times as many arrived in one year as in another (2023 vs 2022: 196 / 67,
    "nearly tripled")."""

    def attempt(rank: int) -> Question | None:
        a, b = sorted(rng.sample(facts.years, 2), key=lambda p: p.last_year)
        big, small = (a, b) if a.total > b.total else (b, a)
        ratio = big.total / small.total
        # One decimal, never near a rounding edge (x.x5), and far enough from 1 to read.
        if not 1.5 <= ratio <= 12 or abs(ratio * 10 - round(ratio * 10)) > 0.4:
            return None
        answer = round(ratio, 1)
        synthetic = sorted({round(answer * f, 1) for f in (0.45, 0.55, 0.65, 0.75, 1.3, 1.5,
                                                             1.75, 2.0, 2.3)})

        def ok(c: float, chosen: list[float]) -> bool:
            return c >= 1.1 and all(abs(c - x) >= policy.RATIO_MIN_GAP * max(c, x)
                                    for x in [answer, *chosen])

        picked = around(rng, answer, synthetic, 3, ok, rank)
        if picked is None:
            return None
        text = (f"About how many times as many {WHO} arrived in South Korea in "
                f"{big.last_year} as in {small.last_year}?")
        tripled = " Arrivals nearly tripled." if 2.8 <= ratio < 3 and big is b else ""
        explanation = (f"{big.last_year}: {num(big.total)}; {small.last_year}: "
                       f"{num(small.total)}. {num(big.total)} ÷ {num(small.total)} = "
                       f"{ratio:.2f}.{tripled}")
        return _q(fam, facts, f"{a.last_year}-{b.last_year}",
                  "medium" if b.last_year - a.last_year == 1 else "hard", text,
                  [_times(v) for v in sorted([answer, *picked])], _times(answer),
                  explanation, [a, b], {"first": a.last_year, "last": b.last_year},
                  PictureRequest.chart(span=(a.last_year, b.last_year)),
                  subjects={f"year:{a.last_year}", f"year:{b.last_year}"},
                  asks={f"ratio:{a.last_year}-{b.last_year}", f"arrivals:{a.last_year}",
                        f"arrivals:{b.last_year}"})

    return ranked(rng, 3, attempt)


def _times(v: float) -> str:
    return f"{v:.1f} times"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@family("year_rank", "defectors", "hard", params={"year": YEAR})
def year_rank(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """Where a year ranks among the single years by arrivals (1st = most)."""
    ordered = sorted(facts.years, key=lambda p: p.total, reverse=True)

    def attempt(rank: int) -> Question | None:
        i = rng.randrange(len(ordered))
        year = ordered[i]
        # Neighbours too close to call would make the rank depend on a revision.
        near = [ordered[j] for j in (i - 1, i + 1) if 0 <= j < len(ordered)]
        if any(not _clear_gap(year.total, p.total) for p in near):
            return None
        place = i + 1
        picked = around(rng, place, range(1, len(ordered) + 1), 3,
                        lambda c, chosen: all(abs(c - x) >= 2 for x in [place, *chosen]),
                        rank)
        if picked is None:
            return None
        y = year.last_year
        text = (f"Ranking the single years {_range(facts)} by the number of {WHO} arriving in "
                f"South Korea (1st = most), where does {y} come?")
        listed = "; ".join(f"{_ordinal(j + 1)} {p.last_year}: {num(p.total)}"
                           for j, p in enumerate(ordered) if abs(j - i) <= 1)
        explanation = (f"{y} ranks {_ordinal(place)} of {len(ordered)} single years with "
                       f"{num(year.total)} ({listed}, {MOU}).")
        return _q(fam, facts, str(y), "hard", text,
                  [_ordinal(v) for v in sorted([place, *picked])], _ordinal(place),
                  explanation, [year, *near], {"year": y}, PictureRequest.chart(highlight=y),
                  subjects={f"year:{y}"}, asks={f"rank:{y}"})

    return ranked(rng, 3, attempt)


ABOVE = (2_500, 2_000, 1_500, 1_200, 1_000, 500, 200)


@family("years_above", "defectors", "medium", "hard",
        params={"threshold": NUMBER, "first": YEAR, "last": YEAR})
def years_above(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
    """In how many single years of a span more than N arrived."""

    def attempt(rank: int) -> Question | None:
        threshold = rng.choice(ABOVE)
        a, b = rng.choice(_spans(facts, 6))
        rows = [p for p in facts.years if a <= p.last_year <= b]
        if any(abs(p.total - threshold) < policy.REVISION_MARGIN * threshold for p in rows):
            return None  # a year on the line: a revision could change the count
        count = sum(p.total > threshold for p in rows)
        if count < 2:
            return None  # 0 or 1 leaves no fair band of distractors below it
        picked = around(rng, count, range(0, len(rows) + 1), 3,
                        lambda c, chosen: c not in chosen and in_band(
                            c, count, policy.BAND_LOW, policy.BAND_HIGH), rank,
                        every_rank=True)
        if picked is None:
            return None
        text = (f"In how many of the single years from {a} to {b} did more than "
                f"{num(threshold)} {WHO} arrive in South Korea?")
        hits = [p for p in rows if p.total > threshold]
        explanation = (f"{count} of the {len(rows)} years: " + _figures(hits)
                       + f" ({MOU}; every other year had fewer).")
        return _q(fam, facts, f"{threshold}:{a}-{b}", "medium" if len(rows) <= 10 else "hard",
                  text, ascending(count, picked, str), str(count), explanation, hits,
                  {"threshold": threshold, "first": a, "last": b},
                  PictureRequest.chart(span=(a, b)),
                  subjects={f"span:{a}-{b}"},
                  asks={f"above:{threshold}:{a}-{b}", *_arrivals(facts, a, b)})

    return ranked(rng, 3, attempt)
