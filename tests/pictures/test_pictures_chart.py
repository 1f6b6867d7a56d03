"""The defectors chart, checked in the rendered pixels and in the figure's artists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest
from matplotlib.text import Text

from bot.facts.defectors import peak
from bot.facts.records import Facts, PeriodKind
from bot.pictures.chart import (
    BAR_RGB,
    HEIGHT_PX,
    HIGHLIGHT_RGB,
    PEAK_RGB,
    WIDTH_PX,
    build_defectors_chart,
    render_defectors_chart,
)

Decode = Callable[[bytes], npt.NDArray[np.uint8]]
COLOURS = {BAR_RGB: "bar", PEAK_RGB: "peak", HIGHLIGHT_RGB: "highlight"}


@dataclass(frozen=True)
class PixelBar:
    left: int
    right: int
    top: int  # row of the highest bar pixel
    bottom: int
    colour: str

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1


def find_bars(image: npt.NDArray[np.uint8]) -> list[PixelBar]:
    """Bars, left to right: runs of columns holding exactly a bar colour.

    Nothing else on the chart uses these colours, and the gaps between bars are page-coloured,
    so every run of columns is one bar.
    """
    kind = np.full(image.shape[:2], -1)
    names = list(COLOURS.values())
    for index, rgb in enumerate(COLOURS):
        kind[(image == np.array(rgb, dtype=np.uint8)).all(axis=-1)] = index
    columns = np.flatnonzero((kind >= 0).any(axis=0))
    bars = []
    for run in np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1):
        block = kind[:, run[0]:run[-1] + 1]
        rows = np.flatnonzero((block >= 0).any(axis=1))
        found = set(np.unique(block[block >= 0]).tolist())
        assert len(found) == 1, f"one bar in two colours at columns {run[0]}–{run[-1]}"
        bars.append(PixelBar(int(run[0]), int(run[-1]), int(rows[0]), int(rows[-1]),
                             names[found.pop()]))
    return bars


def test_png_has_the_expected_size(default_chart: bytes,
                                   size_of: Callable[[bytes], tuple[int, int]]) -> None:
    assert size_of(default_chart) == (WIDTH_PX, HEIGHT_PX) == (1000, 560)


def test_one_bar_per_single_year_and_the_tallest_is_the_peak(
    default_chart: bytes, decode: Decode, facts: Facts
) -> None:
    bars = find_bars(decode(default_chart))
    years = [p.last_year for p in facts.years]
    assert len(bars) == len(years)  # no bar for "~1998", "1999-2001" or "2023-H1"
    tallest = min(range(len(bars)), key=lambda i: bars[i].top)
    assert years[tallest] == peak(facts).last_year == 2009
    assert bars[tallest].colour == "peak"
    assert all(b.colour == "bar" for i, b in enumerate(bars) if i != tallest)


def test_bar_heights_are_proportional_to_the_data(
    default_chart: bytes, decode: Decode, facts: Facts
) -> None:
    bars = find_bars(decode(default_chart))
    totals = [p.total for p in facts.years]
    scale = max(b.height for b in bars) / max(totals)
    for bar, total, period in zip(bars, totals, facts.years, strict=True):
        assert abs(bar.height - total * scale) <= 2, period.label
    # The bottom edge is shared: every bar stands on the same baseline.
    assert len({b.bottom for b in bars}) == 1


def test_highlighted_year_has_the_highlight_colour(facts: Facts, decode: Decode) -> None:
    bars = find_bars(decode(render_defectors_chart(facts, highlight_year=2012)))
    years = [p.last_year for p in facts.years]
    colours = {year: bar.colour for year, bar in zip(years, bars, strict=True)}
    assert colours[2012] == "highlight"
    assert colours[2009] == "peak"
    assert sum(c == "highlight" for c in colours.values()) == 1


@pytest.mark.parametrize("year", [1998, 2000, 1995, 2030])
def test_a_year_that_is_not_a_single_year_highlights_nothing(
    facts: Facts, default_chart: bytes, year: int
) -> None:
    assert render_defectors_chart(facts, highlight_year=year) == default_chart


def test_span_restricts_the_bars(facts: Facts, decode: Decode) -> None:
    bars = find_bars(decode(render_defectors_chart(facts, span=(2016, 2020))))
    expected = [p for p in facts.years if 2016 <= p.last_year <= 2020]
    assert len(bars) == len(expected) == 5
    tallest = min(range(len(bars)), key=lambda i: bars[i].top)
    assert expected[tallest] is max(expected, key=lambda p: p.total)
    assert bars[tallest].colour == "peak"


def test_span_that_reaches_into_the_buckets_draws_only_single_years(facts: Facts) -> None:
    chart = build_defectors_chart(facts, span=(1995, 2004))
    assert list(chart.bars) == [2002, 2003, 2004]


def test_artists_are_the_single_years_with_their_totals(facts: Facts) -> None:
    chart = build_defectors_chart(facts, highlight_year=2020)
    assert list(chart.bars) == [p.last_year for p in facts.years]
    for period in facts.years:
        assert chart.bars[period.last_year].get_height() == period.total
    not_years = {p.last_year for p in facts.periods if p.kind is not PeriodKind.YEAR} - {2023}
    assert not_years.isdisjoint(chart.bars)
    assert chart.peak_year == 2009
    assert chart.highlight_year == 2020
    as_rgb = {y: tuple(round(c * 255) for c in b.get_facecolor()[:3])
              for y, b in chart.bars.items()}
    assert as_rgb[2009] == PEAK_RGB
    assert as_rgb[2020] == HIGHLIGHT_RGB
    assert as_rgb[2002] == BAR_RGB


def _texts(facts: Facts, **kwargs: object) -> list[str]:
    figure = build_defectors_chart(facts, **kwargs).figure  # type: ignore[arg-type]
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def test_labels_and_notes_come_from_the_data(facts: Facts) -> None:
    texts = "\n".join(_texts(facts))
    by_year = facts.year_by_number
    fall_2012 = by_year[2011].total - by_year[2012].total
    fall_2020 = by_year[2019].total - by_year[2020].total
    assert f"down {fall_2012:,} from 2011" in texts
    assert fall_2012 == 1204  # the figure the article quotes
    assert "Kim Jong Un" in texts
    assert f"down {fall_2020:,} from 2019" in texts
    assert "COVID-19" in texts
    assert f"Peak\n{peak(facts).total:,}" in texts
    assert f"{facts.years[-1].total:,}" in texts  # the latest year's value
    assert "Source: South Korea's Ministry of Unification (MOU)" in texts
    bucket = next(p for p in facts.periods if p.label == "1999-2001")
    assert f"1999–2001 ({bucket.total:,} combined)" in texts


def test_no_text_needs_a_font_the_chart_does_not_have(facts: Facts) -> None:
    # DejaVu Sans has no Hangul: a Korean label would render as empty boxes.
    for text in _texts(facts, highlight_year=2012):
        assert not any("\u1100" <= ch <= "\u11ff" or "\uac00" <= ch <= "\ud7af" for ch in text)


@pytest.mark.parametrize("span", [(1990, 1997), (2030, 2040), (2010, 2005)])
def test_span_without_single_years_is_an_error(facts: Facts, span: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match=r"span|single calendar years"):
        render_defectors_chart(facts, span=span)
