"""The defectors bar chart: North Koreans arriving in South Korea, one bar per calendar year.

Only single calendar years are bars. MOU publishes everyone recorded up to 1998 as one figure
and 1999–2001 only combined, and 2023's first half is superseded by the full year: drawing any
of those as a year would invent a figure, so the chart names them in a note instead.
Every number on the chart comes from the data; nothing is rounded, only given separators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from bot.facts.defectors import MOU_NAME
from bot.facts.records import DefectorPeriod, Facts, PeriodKind
from bot.i18n import N_, _
from bot.pictures._figure import (
    INK,
    MUTED,
    PAGE,
    font,
    hex_colour,
    new_figure,
    renderer_of,
    to_png,
)
from bot.pictures._placement import place_annotation, settle_label

RGB = tuple[int, int, int]

BAR_RGB: RGB = (160, 174, 192)  # light slate: the ordinary years recede
PEAK_RGB: RGB = (213, 94, 0)  # Okabe–Ito vermillion
HIGHLIGHT_RGB: RGB = (0, 114, 178)  # Okabe–Ito blue: the year the user asked about
# Vermillion, blue and slate differ in lightness as well as hue, so they stay apart for
# colour-blind readers; no text or line on the chart uses them, so tests can find bars by colour.

WIDTH_PX, HEIGHT_PX = 1000, 560
_GRID = "#E3E7EB"
_BAR_WIDTH = 0.72
# Axes box in pixels (left, top, right, bottom margins): room for the title above and the
# year labels, the note and the source line below.
_MARGINS = (64, 70, 22, 96)
_LABEL_LIFT_PT = 3.0
# A page-coloured box behind labels hides the grid lines running through the text.
_TEXT_BOX = {"boxstyle": "square,pad=0.15", "facecolor": PAGE, "edgecolor": "none"}


@dataclass(frozen=True, slots=True)
class DefectorsChart:
    """The built figure and its bars, for rendering and for tests that inspect the artists."""

    figure: Figure
    bars: Mapping[int, Rectangle]  # calendar year → its bar
    peak_year: int  # the tallest bar shown
    highlight_year: int | None  # the highlighted bar, if the year is a single year shown


def shown_years(facts: Facts, span: tuple[int, int] | None = None) -> tuple[DefectorPeriod, ...]:
    """The single calendar years the chart draws, oldest first."""
    years = facts.years
    if span is None:
        return years
    first, last = span
    if first > last:
        raise ValueError(f"span starts after it ends: {first}–{last}")
    chosen = tuple(p for p in years if first <= p.last_year <= last)
    if not chosen:
        raise ValueError(f"no single calendar years in {first}–{last}")
    return chosen


def _combined_note(facts: Facts) -> str:
    parts = []
    for p in sorted((p for p in facts.periods if p.kind is PeriodKind.AGGREGATE),
                    key=lambda p: p.last_year):
        if p.first_year is None:
            parts.append(_("everyone recorded up to {year} ({total})", year=p.last_year,
                           total=f"{p.total:,}"))
        else:
            parts.append(_("{first}–{last} ({total} combined)", first=p.first_year,
                           last=p.last_year, total=f"{p.total:,}"))
    if not parts:
        return ""
    listed = _(" and ").join(parts) if len(parts) <= 2 else ", ".join(parts)
    return _("Not drawn as single years: MOU publishes {listed} only as totals.", listed=listed)


def _change_note(facts: Facts, year: int, reason: str) -> str | None:
    this, before = facts.year_by_number.get(year), facts.year_by_number.get(year - 1)
    if this is None or before is None:
        return None
    diff = this.total - before.total
    values = {"year": year, "total": f"{this.total:,}", "change": f"{abs(diff):,}",
              "before": year - 1}
    if diff < 0:
        change = _("{year}: {total}, down {change} from {before}", **values)
    else:
        change = _("{year}: {total}, up {change} from {before}", **values)
    return f"{change}\n{_(reason)}"


def _annotations(facts: Facts) -> dict[int, str]:
    notes = {
        2012: _change_note(facts, 2012, N_("after Kim Jong Un came to power")),
        2020: _change_note(facts, 2020, N_("borders closed after COVID-19")),
    }
    return {year: text for year, text in notes.items() if text}


def _title(shown: tuple[DefectorPeriod, ...]) -> str:
    first, last = shown[0].last_year, shown[-1].last_year
    years = f"{first}" if first == last else f"{first}–{last}"
    return _("North Koreans arriving in South Korea, {years}", years=years)


def build_defectors_chart(
    facts: Facts,
    *,
    highlight_year: int | None = None,
    span: tuple[int, int] | None = None,
) -> DefectorsChart:
    shown = shown_years(facts, span)
    totals = {p.last_year: p.total for p in shown}
    top = max(shown, key=lambda p: p.total)
    overall_peak = max(facts.years, key=lambda p: p.total)
    if highlight_year not in totals:
        highlight_year = None  # a bucket year or one outside the span: the caller explains

    fig = new_figure(WIDTH_PX, HEIGHT_PX)
    left, top_m, right, bottom = _MARGINS
    ax = fig.add_axes((left / WIDTH_PX, bottom / HEIGHT_PX,
                       1 - (left + right) / WIDTH_PX, 1 - (top_m + bottom) / HEIGHT_PX))

    colours = []
    for year in totals:
        rgb = (HIGHLIGHT_RGB if year == highlight_year
               else PEAK_RGB if year == top.last_year else BAR_RGB)
        colours.append(hex_colour(rgb))
    container = ax.bar(list(totals), list(totals.values()), width=_BAR_WIDTH, color=colours,
                       zorder=2, linewidth=0)
    bars = dict(zip(totals, container.patches, strict=True))

    _style_axes(ax, list(totals))
    ax.set_ylim(0, top.total * 1.16)

    # Value labels on their bars, in priority order: the peak, the year asked about, the latest.
    # A year with a note gets its value in the note instead.
    notes_text = {y: t for y, t in _annotations(facts).items() if y in totals}
    labels: dict[int, str] = {}
    if top is overall_peak:
        labels[top.last_year] = _("Peak\n{total}", total=f"{top.total:,}")  # two lines: narrow
    elif top.last_year not in notes_text:
        labels[top.last_year] = _("Highest shown\n{total}", total=f"{top.total:,}") \
            if len(shown) > 1 else f"{top.total:,}"
    latest = facts.years[-1].last_year
    for wanted in (highlight_year, latest):
        if wanted is not None and wanted in totals and wanted not in notes_text:
            labels.setdefault(wanted, f"{totals[wanted]:,}")
    value_labels = [
        ax.annotate(text, xy=(year, totals[year]), xytext=(0, _LABEL_LIFT_PT),
                    textcoords="offset points", ha="center", va="bottom", fontsize=10,
                    color=INK, family=font(), bbox=_TEXT_BOX,
                    # Only visible when a crowded label had to be lifted off its bar.
                    arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.8,
                                "shrinkA": 1, "shrinkB": 2},
                    fontweight="bold" if year in (top.last_year, highlight_year) else "normal")
        for year, text in labels.items()
    ]
    notes = [
        ax.annotate(text, xy=(year, totals[year]), xytext=(year, totals[year]),
                    textcoords="data", fontsize=9, color=MUTED, family=font(), linespacing=1.35,
                    bbox=_TEXT_BOX,
                    arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.8,
                                "shrinkA": 1, "shrinkB": 3})
        for year, text in notes_text.items()
    ]
    _arrange(ax, list(bars.values()), value_labels, notes)

    fig.text(left / WIDTH_PX, 1 - 16 / HEIGHT_PX, _title(shown), ha="left", va="top",
             fontsize=16, fontweight="bold", color=INK, family=font())
    fig.text(left / WIDTH_PX, 1 - 44 / HEIGHT_PX,
             _("Arrivals per calendar year"), ha="left", va="top",
             fontsize=11, color=MUTED, family=font())
    footer = [_("Source: {name}.", name=_(MOU_NAME))]
    if shown[0] is facts.years[0] and (note := _combined_note(facts)):
        footer.insert(0, note)
    for i, line in enumerate(reversed(footer)):
        fig.text(left / WIDTH_PX, (12 + 16 * i) / HEIGHT_PX, line, ha="left", va="bottom",
                 fontsize=9, color=MUTED, family=font())
    return DefectorsChart(fig, bars, top.last_year, highlight_year)


def _style_axes(ax: Axes, years: list[int]) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)
    # At least six bar-widths of room: one or two bars should not fill the whole chart.
    centre, half = (years[0] + years[-1]) / 2, max((years[-1] - years[0]) / 2 + 0.6, 3.0)
    ax.set_xlim(centre - half, centre + half)
    # Every year gets a tick while they fit (~36 px each at full width); long spans thin out.
    step = 1 if len(years) <= 26 else 2
    ax.set_xticks(years[::step], [str(y) for y in years[::step]])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(v):,}"))
    ax.tick_params(axis="both", colors=MUTED, labelsize=9, length=0, pad=6)
    ax.tick_params(axis="x", labelcolor=INK)
    ax.grid(axis="y", color=_GRID, linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)


def _arrange(ax: Axes, bars: list[Rectangle], labels: list[Annotation],
             notes: list[Annotation]) -> None:
    """Place value labels, then notes, so nothing overlaps; raise the y-limit if it must."""
    renderer = renderer_of(ax.figure)
    for _attempt in range(8):
        top = ax.get_window_extent(renderer).y1
        obstacles: list[Bbox] = [b.get_window_extent(renderer) for b in bars]
        fits = True
        for label in labels:  # in priority order: earlier labels keep the better spot
            label.xyann = (0.0, _LABEL_LIFT_PT)
            box = settle_label(ax, label, obstacles)
            obstacles.append(box)
            fits &= box.y1 <= top
        for note in notes:
            placed = place_annotation(ax, note, obstacles) if fits else None
            if placed is None:
                fits = False
                break
            obstacles.append(placed)
        if fits:
            for label in labels:  # the leader line only helps a label lifted off its bar
                if label.arrow_patch is not None:
                    label.arrow_patch.set_visible(label.xyann[1] > _LABEL_LIFT_PT + 3)
            return
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 1.15)


def render_defectors_chart(
    facts: Facts,
    *,
    highlight_year: int | None = None,
    span: tuple[int, int] | None = None,
) -> bytes:
    """PNG (1000×560) of arrivals per single calendar year, 2002 onward by default.

    ``highlight_year`` colours that year's bar (nothing, if it is not a single year shown);
    ``span`` limits the bars to single years within it. Raises ``ValueError`` for a span
    without any single year.
    """
    return to_png(build_defectors_chart(facts, highlight_year=highlight_year, span=span).figure)
