"""Find a free spot for a chart label, so labels never sit on bars or on each other.

Works in display pixels on a figure that has not been drawn yet: matplotlib can measure text
with the canvas renderer beforehand. The chart changes with the requested span, so fixed
positions would collide sooner or later. Text is measured once per label (a layout costs
~1 ms); candidate spots are then just that box translated, so the search itself is free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from bot.pictures._figure import renderer_of

PAD_PX = 4.0  # clear space kept around every placed label
STEP_PX = 3.0  # how finely candidate heights are tried


def _overlaps(box: Bbox, obstacles: Iterable[Bbox], pad: float = PAD_PX) -> bool:
    padded = box.padded(pad)
    return any(padded.overlaps(o) for o in obstacles)


def text_box(note: Annotation, renderer: RendererBase) -> Bbox:
    """The text's own box: Annotation's extent also covers its arrow, which touches the bar."""
    note.update_positions(renderer)
    return Text.get_window_extent(note, renderer)


def place_annotation(
    ax: Axes,
    note: Annotation,
    obstacles: Sequence[Bbox],
    *,
    lift_px: float = 14.0,
) -> Bbox | None:
    """Move ``note``'s text (in data coordinates) to the lowest free spot above its anchor.

    Candidates are tried nearest first: centred over the anchor, then shifted sideways so the
    text stays inside the axes, rising in small steps. Returns the text's box, or ``None`` if
    nothing fits below the top of the axes (the caller then raises the y-limit and retries).
    """
    renderer = renderer_of(ax.figure)
    to_data = ax.transData.inverted()
    axes_box = ax.get_window_extent(renderer)
    anchor_x, anchor_y = ax.transData.transform(note.xy)
    note.set_horizontalalignment("center")
    note.set_verticalalignment("bottom")
    note.xyann = tuple(to_data.transform((anchor_x, anchor_y)))
    measured = text_box(note, renderer)  # the box when the text sits at the anchor itself
    width, height = measured.width, measured.height
    low = axes_box.x0 + width / 2 + PAD_PX
    high = axes_box.x1 - width / 2 - PAD_PX
    centre = min(max(anchor_x, low), high)
    # Sideways candidates: the clamped centre first, then up to two text-widths either way.
    offsets = [0.0]
    for k in range(1, 9):
        offsets += [k * width / 4, -k * width / 4]
    xs = [x for x in (centre + dx for dx in offsets) if low <= x <= high]
    y = anchor_y + lift_px
    while y + height <= axes_box.y1 - PAD_PX:
        for x in xs:
            box = measured.translated(x - anchor_x, y - anchor_y)
            if not _overlaps(box, obstacles):
                note.xyann = tuple(to_data.transform((x, y)))
                return box
        y += STEP_PX
    return None


def settle_label(ax: Axes, label: Annotation, obstacles: Sequence[Bbox],
                 *, pad: float = 1.0) -> Bbox:
    """Keep a value label (offset in points from its bar top) inside the axes and clear.

    It is first slid sideways just enough to stay inside the axes (a label over the first bar
    would otherwise run into the y tick labels), then lifted until it touches no obstacle.
    The padding is small: a label a little wider than its bar may reach into the gaps.
    """
    renderer = renderer_of(ax.figure)
    points_per_px = 72 / ax.figure.dpi
    axes_box = ax.get_window_extent(renderer)
    dx_pt, dy_pt = label.xyann
    box = text_box(label, renderer)
    shift_px = 0.0
    if box.x0 < axes_box.x0:
        shift_px = axes_box.x0 - box.x0
    elif box.x1 > axes_box.x1:
        shift_px = axes_box.x1 - box.x1
    box = box.translated(shift_px, 0)
    lift_px = 0.0
    for _ in range(60):
        if not _overlaps(box, obstacles, pad):
            break
        pad = PAD_PX  # off its bar, a label needs the same clear space as any other
        box = box.translated(0, STEP_PX)
        lift_px += STEP_PX
    label.xyann = (dx_pt + shift_px * points_per_px, dy_pt + lift_px * points_per_px)
    return box
