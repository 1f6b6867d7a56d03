"""Two more defectors charts in the bar chart's style: the running total, and women and men.

* ``cumulative``: MOU's running total at the end of each single year (one bar per year). The
  combined rows (everyone up to 1998, 1999–2001) are counted in the running total as what
  they are, and said so in the note; they are never drawn as a year.
* ``gender``: each single year's arrivals as women stacked on men.

Same page, fonts, size and colours as :mod:`bot.pictures.chart`; every number comes from the
data, given separators and nothing else.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.facts.defectors import MOU_NAME
from bot.facts.records import Facts, PeriodKind
from bot.i18n import _
from bot.pictures._figure import INK, MUTED, font, hex_colour, new_figure, to_png
from bot.pictures.chart import (
    _BAR_WIDTH,
    _MARGINS,
    _TEXT_BOX,
    BAR_RGB,
    HEIGHT_PX,
    HIGHLIGHT_RGB,
    PEAK_RGB,
    WIDTH_PX,
    _style_axes,
)

WOMEN_RGB = PEAK_RGB  # vermillion: the larger group in almost every year
MEN_RGB = BAR_RGB
HIGHLIGHT_WOMEN_RGB = (86, 180, 233)  # Okabe–Ito sky blue: the asked year's women, over blue


def _frame(title: str, subtitle: str, footer: list[str]) -> tuple[Figure, Axes]:
    fig = new_figure(WIDTH_PX, HEIGHT_PX)
    left, top_m, right, bottom = _MARGINS
    ax = fig.add_axes((left / WIDTH_PX, bottom / HEIGHT_PX,
                       1 - (left + right) / WIDTH_PX, 1 - (top_m + bottom) / HEIGHT_PX))
    fig.text(left / WIDTH_PX, 1 - 16 / HEIGHT_PX, title, ha="left", va="top", fontsize=16,
             fontweight="bold", color=INK, family=font())
    fig.text(left / WIDTH_PX, 1 - 44 / HEIGHT_PX, subtitle, ha="left", va="top", fontsize=11,
             color=MUTED, family=font())
    for i, line in enumerate(reversed(footer)):
        fig.text(left / WIDTH_PX, (12 + 16 * i) / HEIGHT_PX, line, ha="left", va="bottom",
                 fontsize=9, color=MUTED, family=font())
    return fig, ax


def _label(ax: Axes, year: int, value: int, text: str) -> None:
    ax.annotate(text, xy=(year, value), xytext=(0, 3), textcoords="offset points",
                ha="center", va="bottom", fontsize=10, color=INK, family=font(),
                bbox=_TEXT_BOX, fontweight="bold")


def build_cumulative_chart(facts: Facts, *, highlight_year: int | None = None) -> Figure:
    years = [p.last_year for p in facts.years]
    counted = [p for p in facts.periods if p.kind is not PeriodKind.PARTIAL]
    totals = {y: sum(p.total for p in counted if p.last_year <= y) for y in years}
    if highlight_year not in totals:
        highlight_year = None
    before = sum(p.total for p in counted if p.last_year < years[0])
    fig, ax = _frame(_("North Koreans who had arrived in South Korea, {first}–{last}",
                       first=years[0], last=years[-1]),
                     _("Running total at the end of each year"),
                     [_("Includes {before} recorded before {first} (everyone up to 1998 and "
                        "1999–2001, published only as totals).", before=f"{before:,}",
                        first=years[0]), _("Source: {name}.", name=_(MOU_NAME))])
    colours = [hex_colour(HIGHLIGHT_RGB if y == highlight_year else BAR_RGB) for y in years]
    ax.bar(years, [totals[y] for y in years], width=_BAR_WIDTH, color=colours,
           zorder=2, linewidth=0)
    _style_axes(ax, years)
    ax.set_ylim(0, totals[years[-1]] * 1.16)
    for y in {years[-1], *([highlight_year] if highlight_year else [])}:
        _label(ax, y, totals[y], f"{totals[y]:,}")
    return fig


def build_gender_chart(facts: Facts, *, highlight_year: int | None = None) -> Figure:
    rows = list(facts.years)
    years = [p.last_year for p in rows]
    if highlight_year not in years:
        highlight_year = None
    women = sum(p.female for p in facts.periods if p.kind is not PeriodKind.PARTIAL)
    everyone = sum(p.total for p in facts.periods if p.kind is not PeriodKind.PARTIAL)
    fig, ax = _frame(_("Women and men arriving in South Korea, {first}–{last}",
                       first=years[0], last=years[-1]),
                     _("Arrivals per calendar year: women (top) and men (bottom)"),
                     [_("All records up to {last}: {women} women of {everyone} ({share}).",
                        last=years[-1], women=f"{women:,}", everyone=f"{everyone:,}",
                        share=f"{100 * women / everyone:.1f}%"),
                      _("Source: {name}.", name=_(MOU_NAME))])
    men_c = [hex_colour(HIGHLIGHT_RGB if y == highlight_year else MEN_RGB) for y in years]
    ax.bar(years, [p.male for p in rows], width=_BAR_WIDTH, color=men_c, zorder=2,
           linewidth=0, label=_("Men"))
    ax.bar(years, [p.female for p in rows], bottom=[p.male for p in rows],
           width=_BAR_WIDTH, zorder=2, linewidth=0,
           color=[hex_colour(HIGHLIGHT_WOMEN_RGB if y == highlight_year else WOMEN_RGB)
                  for y in years],
           label=_("Women"))
    _style_axes(ax, years)
    ax.set_ylim(0, max(p.total for p in rows) * 1.16)
    ax.legend(loc="upper right", frameon=False, prop={"family": font(), "size": 9})
    if highlight_year is not None:
        p = facts.year_by_number[highlight_year]
        _label(ax, highlight_year, p.total, _("{women} women\n{men} men",
                                              women=f"{p.female:,}", men=f"{p.male:,}"))
    return fig


def render_cumulative_chart(facts: Facts, *, highlight_year: int | None = None) -> bytes:
    """PNG (1000×560) of the running total per single year."""
    return to_png(build_cumulative_chart(facts, highlight_year=highlight_year))


def render_gender_chart(facts: Facts, *, highlight_year: int | None = None) -> bytes:
    """PNG (1000×560) of each single year's women and men."""
    return to_png(build_gender_chart(facts, highlight_year=highlight_year))
