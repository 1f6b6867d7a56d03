"""The world map: which UN member states recognize Israel, Palestine, both or neither.

Colouring rules (also in ``data/geo/PROVENANCE.md``):

* A polygon takes a category colour only if its ISO 3166-1 numeric code is a UN member's
  code. Territories with a code of their own are not members and stay grey: Greenland,
  Western Sahara, Taiwan, Palestine itself, Puerto Rico, Hong Kong, New Caledonia, …
  Greenland belongs to the Kingdom of Denmark, but Natural Earth draws it as its own unit and
  colouring it would make Denmark's position look like a fifth of the map.
* Natural Earth puts the Moroccan-administered part of Western Sahara inside Morocco; the map
  cuts Morocco's outline at the 27°40' N border and draws everything south of it grey, as the
  UN lists the whole territory as non-self-governing.
* Natural Earth also draws units with no ISO code. Somaliland and Northern Cyprus are, for
  the UN, parts of Somalia and Cyprus, so they take those members' colours. Kosovo (not a
  UN member), the Siachen Glacier (disputed) and Australia's Indian Ocean Territories stay grey.
* Members too small to see at this size get a dot in their colour; Tuvalu, missing from the
  1:50m file, is only a dot.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from bot.facts.recognition import category_counts, status_at
from bot.facts.records import SNAPSHOT_DATE, Category, Facts
from bot.i18n import N_, _, current
from bot.pictures._dots import spread
from bot.pictures._figure import INK, MUTED, PAGE, font, hex_colour, new_figure, to_png
from bot.pictures._geometry import Feature, MapFrame, Split, World, equal_earth, load_world

RGB = tuple[int, int, int]

# Okabe–Ito colours: told apart with every common colour-vision deficiency (checked with the
# Machado 2009 simulation: CIE76 ΔE ≥ 17 between any two of them, the grey and the ocean),
# and mid-toned, so they hold up on the white page whichever Discord theme surrounds it.
PALETTE: Mapping[Category, RGB] = MappingProxyType({
    Category.BOTH: (0, 158, 115),  # bluish green
    Category.ISRAEL_ONLY: (0, 114, 178),  # blue
    Category.PALESTINE_ONLY: (230, 159, 0),  # orange
    Category.NEITHER: (240, 228, 66),  # yellow
})
NON_MEMBER_RGB: RGB = (189, 189, 189)
OCEAN_RGB: RGB = (234, 241, 247)
_BORDER = "#FFFFFF"
_DOT_EDGE = "#2B2B2B"
_GLOBE_EDGE = "#B8C4CF"

LEGEND_LABELS: Mapping[Category, str] = MappingProxyType({
    Category.BOTH: N_("Both"),
    Category.ISRAEL_ONLY: N_("Israel only"),
    Category.PALESTINE_ONLY: N_("Palestine only"),
    Category.NEITHER: N_("Neither"),
})

WIDTH_PX, HEIGHT_PX = 1200, 660
FRAME = MapFrame(width_px=WIDTH_PX, height_px=HEIGHT_PX, left_px=20.0, top_px=66.0,
                 scale=214.0, north=84.0, south=-60.0)

# Natural Earth units without an ISO code that the UN counts as part of a member state.
ATTACHED: Mapping[str, str] = MappingProxyType({"Somaliland": "706", "N. Cyprus": "196"})
# Natural Earth draws the Moroccan-administered part of Western Sahara inside Morocco. The UN
# lists Western Sahara as a non-self-governing territory, so the part south of the 27°40' N
# border is drawn as Western Sahara (grey), like the rest of the territory.
SPLITS: tuple[Split, ...] = (("504", 27 + 40 / 60, "732", "W. Sahara"),)
# Members absent from the 1:50m file: drawn as a dot at (lon, lat).
HAND_PLACED: Mapping[str, tuple[float, float]] = MappingProxyType({"798": (179.2, -8.5)})
# Below this many square pixels a state is a few specks at most: give it a dot as well.
DOT_BELOW_PX2 = 8.0
_DOT_DIAMETER_PX = 6.0
_DOT_GAP_PX = 1.0

VC_ARTICLE = "Visual Capitalist, “Mapped: Which Countries Recognize Israel or Palestine, or Both?”"


def map_pixel(lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat) lands in the rendered map: (column, row) from the top-left corner."""
    return FRAME.to_pixel(lon, lat)


def _world() -> World:
    return load_world(south=FRAME.south, splits=SPLITS)


def _member_code(feature: Feature) -> str:
    return feature.id or ATTACHED.get(feature.name, "")


@functools.cache
def _paths() -> tuple[tuple[Path, ...], tuple[str, ...], Path]:
    """One compound path per unit (all its rings), its member code, and the globe's outline.

    Built once per process: only the colours change from one map to the next.
    """
    world = _world()
    paths = []
    for feature in world.features:
        vertices = np.concatenate(feature.rings)
        codes = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
        start = 0
        for ring in feature.rings:
            codes[start] = Path.MOVETO
            codes[start + len(ring) - 1] = Path.CLOSEPOLY
            start += len(ring)
        paths.append(Path(vertices, codes))
    member_codes = tuple(_member_code(f) for f in world.features)
    return tuple(paths), member_codes, Path(world.outline, closed=True)


@functools.cache
def _dots(members: frozenset[str]) -> Mapping[str, tuple[float, float]]:
    """Members (ISO numeric → projected x, y) that get a dot, nudged apart so none is hidden."""
    largest: dict[str, Feature] = {}
    for feature in _world().features:
        code = _member_code(feature)
        if code in members and (code not in largest or feature.largest > largest[code].largest):
            largest[code] = feature
    # Judged by the largest single polygon: the Bahamas' or the Solomons' total area is
    # visible on paper, but spread over specks no colour can be made out.
    wanted = {code: f.anchor for code, f in largest.items()
              if f.largest * FRAME.scale**2 < DOT_BELOW_PX2}
    for code, (lon, lat) in HAND_PLACED.items():
        if code in members and code not in largest:
            x, y = equal_earth(lon, lat)
            wanted[code] = (float(x), float(y))
    codes = sorted(wanted)
    moved = spread(np.array([wanted[c] for c in codes]),
                   (_DOT_DIAMETER_PX + _DOT_GAP_PX) / FRAME.scale)
    return MappingProxyType({c: (float(x), float(y)) for c, (x, y) in zip(codes, moved,
                                                                           strict=True)})


def prepare() -> None:
    """Load, project and build the outlines now, so the first map costs only its drawing."""
    _paths()


def _member_codes(facts: Facts) -> frozenset[str]:
    return frozenset(m.iso_numeric for m in facts.members)


def small_state_pixels(facts: Facts) -> dict[str, tuple[float, float]]:
    """ISO3 → (column, row) of the centre of each small state's dot in the rendered map."""
    by_code = {m.iso_numeric: m.iso3 for m in facts.members}
    return {by_code[code]: FRAME.xy_to_pixel(x, y)
            for code, (x, y) in _dots(_member_codes(facts)).items()}


def unplaced_members(facts: Facts) -> list[str]:
    """ISO3 codes of members the map could not draw (neither a polygon nor a dot)."""
    drawn = set(_paths()[1]) | set(_dots(_member_codes(facts)))
    return sorted(m.iso3 for m in facts.members if m.iso_numeric not in drawn)


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}" if current().is_default else current().date(day)


def _footer_date(day: dt.date) -> str:
    """ISO in English (the source line's own style); the language's long form elsewhere."""
    return day.isoformat() if current().is_default else current().date(day)


def _source_lines(facts: Facts, as_of: dt.date) -> tuple[str, str]:
    changes = [e for e in facts.events if e.change != "none" and e.effective <= as_of]
    base = _("Source: {article} ({date})", article=VC_ARTICLE, date=_footer_date(SNAPSHOT_DATE))
    if len(changes) == 1:
        base += _(", updated with 1 dated change to {date} (recognitions, cut or restored "
                  "relations).", date=_footer_date(changes[-1].effective))
    elif changes:
        base += _(", updated with {n} dated changes to {date} (recognitions, cut or restored "
                  "relations).", n=len(changes), date=_footer_date(changes[-1].effective))
    else:
        base += "."
    rules = _("Israel counts itself; cutting or suspending relations counts as not "
              "recognizing. Dots mark states too small to see. Grey: not a UN member state. "
              "Boundaries: Natural Earth.")
    return base, rules


def render_recognition_map(facts: Facts, as_of: dt.date) -> bytes:
    """PNG (1200×660) of the 193 members coloured by category at the end of ``as_of``.

    Raises ``AsOfError`` for a date before the article's snapshot (2023-11-14).
    """
    return to_png(build_recognition_map(facts, as_of))


def build_recognition_map(facts: Facts, as_of: dt.date) -> Figure:
    """The map as a figure, for rendering and for tests that inspect its artists."""
    statuses = status_at(facts, as_of)
    colour_of = {
        facts.member_by_iso3[iso3].iso_numeric: hex_colour(PALETTE[s.category])
        for iso3, s in statuses.items()
    }
    paths, member_codes, outline = _paths()
    grey = hex_colour(NON_MEMBER_RGB)

    fig = new_figure(WIDTH_PX, HEIGHT_PX)
    ax = fig.add_axes(FRAME.axes_rect())
    ax.set_axis_off()
    (x0, x1), (y0, y1) = FRAME.limits()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)

    globe = PathPatch(outline, facecolor=hex_colour(OCEAN_RGB), edgecolor=_GLOBE_EDGE,
                      linewidth=0.8)
    ax.add_patch(globe)
    # Grey units first, outlined in their own grey, then members outlined in white: borders
    # show between states, while seams inside grey areas (Western Sahara's two Natural Earth
    # pieces) disappear.
    order = sorted(range(len(paths)), key=lambda i: member_codes[i] in colour_of)
    countries = PathCollection(
        [paths[i] for i in order],
        facecolors=[colour_of.get(member_codes[i], grey) for i in order],
        edgecolors=[_BORDER if member_codes[i] in colour_of else grey for i in order],
        linewidths=0.3,
    )
    countries.set_clip_path(globe)  # trims the antimeridian copies at the globe's edge
    ax.add_collection(countries)

    dots = _dots(_member_codes(facts))
    codes = sorted(dots)
    xy = np.array([dots[c] for c in codes])
    size_pt = _DOT_DIAMETER_PX * 72 / fig.dpi
    ax.scatter(xy[:, 0], xy[:, 1], s=size_pt**2, c=[colour_of[c] for c in codes],
               edgecolors=_DOT_EDGE, linewidths=0.5, zorder=3, clip_on=False)

    counts = category_counts(statuses)
    fig.text(0.5, 1 - 14 / HEIGHT_PX, _("Who recognizes Israel, Palestine, or both?"),
             ha="center", va="top", fontsize=17, fontweight="bold", color=INK, family=font())
    fig.text(0.5, 1 - 42 / HEIGHT_PX,
             _("The {n} UN member states as of {date}", n=len(statuses),
               date=_long_date(as_of)),
             ha="center", va="top", fontsize=12, color=MUTED, family=font())

    # Patches for the categories, then a dot marker: the legend takes any artist.
    handles: list[Artist] = [Patch(facecolor=hex_colour(PALETTE[c]), edgecolor="none") for c in Category]
    labels = [f"{_(LEGEND_LABELS[c])}: {counts[c.value]:,}" for c in Category]
    handles.append(Patch(facecolor=grey, edgecolor="none"))
    labels.append(_("Not a UN member state"))
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=size_pt,
                          markerfacecolor=PAGE,
                          markeredgecolor=_DOT_EDGE, markeredgewidth=0.5))
    labels.append(_("Small state (dot)"))
    fig.legend(handles, labels, loc="upper center", ncols=len(handles), frameon=False,
               bbox_to_anchor=(0.5, 1 - 584 / HEIGHT_PX), handlelength=1.4,
               columnspacing=1.6, prop={"family": font(), "size": 11}, labelcolor=INK)
    source, rules = _source_lines(facts, as_of)
    for line, bottom_px in ((source, 18), (rules, 5)):
        fig.text(0.5, bottom_px / HEIGHT_PX, line, ha="center", va="bottom", fontsize=8,
                 color=MUTED, family=font())
    return fig
