"""Answers about North Koreans arriving in South Korea, straight from the period table.

Only single calendar years are ranked, compared or charted. MOU publishes 1998 as everyone
recorded up to that year and 1999–2001 only combined; 2023's first half is a partial figure
superseded by the full year. Those rows are explained, never passed off as years.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from bot.facts.format import num
from bot.facts.format import signed as signed  # re-exported: bot/cogs/defectors.py imports it
from bot.facts.format import signed_pct as signed_pct  # likewise
from bot.facts.records import DefectorPeriod, Facts, PeriodKind
from bot.i18n import N_, _

MOU_NAME = N_("South Korea's Ministry of Unification (MOU)")


@dataclass(frozen=True, slots=True)
class YearAnswer:
    period: DefectorPeriod
    rank: int  # 1 = most arrivals among single calendar years
    ranked_years: int
    first_ranked: int
    last_ranked: int
    previous: DefectorPeriod | None  # the single year before, when published as one
    context: tuple[str, ...]
    partial: DefectorPeriod | None  # an earlier partial figure for the same year

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.period.total - self.previous.total

    @property
    def change_pct(self) -> float | None:
        if self.previous is None or not self.previous.total:
            return None
        return 100 * (self.period.total - self.previous.total) / self.previous.total


@dataclass(frozen=True, slots=True)
class BucketAnswer:
    """A year inside a period MOU publishes only as a bucket."""

    year: int
    period: DefectorPeriod
    explanation: str


@dataclass(frozen=True, slots=True)
class NoData:
    year: int
    explanation: str


@dataclass(frozen=True, slots=True)
class Overview:
    total: int
    male: int
    female: int
    since_label: str
    peak: DefectorPeriod
    lowest: DefectorPeriod
    latest: DefectorPeriod
    trend: str


@dataclass(frozen=True, slots=True)
class SpanAnswer:
    first_year: int
    last_year: int
    total: int
    periods: tuple[DefectorPeriod, ...]
    highest: DefectorPeriod | None
    lowest: DefectorPeriod | None
    note: str


class SpanError(ValueError):
    """A span the published table cannot answer exactly."""


# The old name of bot.facts.format.num, still imported by bot/cogs/defectors.py (outside
# this change): an alias, not a second formatter. Drop it once that import says ``num``.
fmt = num


def years_available(facts: Facts) -> str:
    years = facts.years
    buckets = [p for p in facts.periods if p.kind is PeriodKind.AGGREGATE]
    parts = [_bucket_phrase(p) for p in sorted(buckets, key=lambda p: p.last_year)]
    parts.append(_("every single year {first}–{last}", first=years[0].last_year,
                   last=years[-1].last_year))
    return "; ".join(parts)


def _bucket_phrase(p: DefectorPeriod) -> str:
    if p.first_year is None:
        return _("{year} (as everyone recorded up to the end of {year})", year=p.last_year)
    return _("{first}–{last} (combined)", first=p.first_year, last=p.last_year)


def _rank(facts: Facts, period: DefectorPeriod) -> int:
    # Competition ranking: equal totals share a rank.
    return 1 + sum(1 for p in facts.years if p.total > period.total)


def _drops(facts: Facts) -> list[tuple[DefectorPeriod, DefectorPeriod]]:
    ys = facts.years
    return [(a, b) for a, b in pairwise(ys) if b.last_year == a.last_year + 1]


def peak(facts: Facts) -> DefectorPeriod:
    return max(facts.years, key=lambda p: p.total)


def lowest(facts: Facts) -> DefectorPeriod:
    return min(facts.years, key=lambda p: p.total)


def _context(facts: Facts, period: DefectorPeriod, previous: DefectorPeriod | None) -> list[str]:
    lines: list[str] = []
    top = peak(facts)
    if period is top:
        lines.append(_("Peak year: {total} arrivals, the most of any year on record.",
                       total=num(top.total)))
    steps = _drops(facts)
    if steps and previous is not None:
        biggest_fall = min(steps, key=lambda s: s[1].total - s[0].total)
        if biggest_fall[1] is period:
            lines.append(_("The largest fall on record: {fall} fewer than {year}.",
                           fall=num(previous.total - period.total), year=previous.last_year))
    if period.last_year == 2012:
        lines.append(_("Kim Jong Un's first full year in power: border controls tightened."))
    if period.last_year == 2020:
        lines.append(_("After COVID-19 North Korea shut its borders in 2020: arrivals dropped "
                       "from thousands to the low hundreds."))
    if period is lowest(facts):
        lines.append(_("The lowest single year on record ({total}).", total=num(period.total)))
    return lines


def answer_year(facts: Facts, year: int) -> YearAnswer | BucketAnswer | NoData:
    single = facts.year_by_number.get(year)
    if single is not None:
        previous = facts.year_by_number.get(year - 1)
        partial = next(
            (p for p in facts.periods if p.kind is PeriodKind.PARTIAL and p.last_year == year), None
        )
        ys = facts.years
        return YearAnswer(
            period=single,
            rank=_rank(facts, single),
            ranked_years=len(ys),
            first_ranked=ys[0].last_year,
            last_ranked=ys[-1].last_year,
            previous=previous,
            context=tuple(_context(facts, single, previous)),
            partial=partial,
        )
    for p in facts.periods:
        if p.kind is PeriodKind.AGGREGATE and p.first_year is not None and p.covers(year):
            return BucketAnswer(
                year, p,
                _("{year} is published only combined: {total} for {first}–{last}. MOU gives "
                  "no figure for {year} alone.", year=year, total=num(p.total),
                  first=p.first_year, last=p.last_year),
            )
        if p.kind is PeriodKind.AGGREGATE and p.first_year is None and p.last_year == year:
            return BucketAnswer(
                year, p,
                _("{total} is everyone recorded up to the end of {year} (the article labels "
                  "it {year}); MOU publishes no figure for {year} alone.",
                  total=num(p.total), year=year),
            )
    return NoData(
        year,
        _("There is no figure for {year}. The data covers {available}.", year=year,
          available=years_available(facts)),
    )


def overview(facts: Facts) -> Overview:
    counted = [p for p in facts.periods if p.kind is not PeriodKind.PARTIAL]
    top, low, latest = peak(facts), lowest(facts), facts.years[-1]
    drop_2012 = _change(facts, 2012)
    trend = _(
        "Arrivals climbed to a peak of {peak} in {peak_year}, fell by {fall} in 2012 and have "
        "stayed in the low hundreds since the 2020 border closure ({latest_year}: {latest}).",
        peak=num(top.total), peak_year=top.last_year,
        fall=num(-drop_2012) if drop_2012 else "?",
        latest_year=latest.last_year, latest=num(latest.total),
    )
    return Overview(
        total=sum(p.total for p in counted),
        male=sum(p.male for p in counted),
        female=sum(p.female for p in counted),
        since_label="since records began",
        peak=top,
        lowest=low,
        latest=latest,
        trend=trend,
    )


def _change(facts: Facts, year: int) -> int | None:
    a, b = facts.year_by_number.get(year - 1), facts.year_by_number.get(year)
    return None if a is None or b is None else b.total - a.total


def span(facts: Facts, first: int, last: int) -> SpanAnswer:
    if last < first:
        raise SpanError(_("`to_year` ({last}) must not come before `year` ({first}).",
                          last=last, first=first))
    chosen: list[DefectorPeriod] = []
    for p in sorted(facts.periods, key=lambda p: p.last_year):
        if p.kind is PeriodKind.PARTIAL:
            continue  # the full year is in the table
        lo = p.first_year if p.first_year is not None else p.last_year
        overlaps = lo <= last and p.last_year >= first
        if not overlaps:
            continue
        if p.kind is PeriodKind.AGGREGATE and p.first_year is None:
            raise SpanError(_(
                "{year} is published only as everyone recorded up to the end of {year} "
                "({total}), so a span cannot include it. Start from {next} or later.",
                year=p.last_year, total=num(p.total), next=p.last_year + 1))
        if p.kind is PeriodKind.AGGREGATE and not (first <= lo and p.last_year <= last):
            raise SpanError(_(
                "{first}–{last} is published only combined ({total}), so a span must include "
                "all of those years or none of them.", first=lo, last=p.last_year,
                total=num(p.total)))
        chosen.append(p)
    ys = facts.years
    if not chosen or last > ys[-1].last_year:
        raise SpanError(_("That span is outside the data, which covers {available}.",
                          available=years_available(facts)))
    singles = [p for p in chosen if p.is_year]
    note = ""
    if any(not p.is_year for p in chosen):
        note = _("Includes years published only combined; highest and lowest count single "
                 "years only.")
    return SpanAnswer(
        first_year=first,
        last_year=last,
        total=sum(p.total for p in chosen),
        periods=tuple(chosen),
        highest=max(singles, key=lambda p: p.total) if singles else None,
        lowest=min(singles, key=lambda p: p.total) if singles else None,
        note=note,
    )
