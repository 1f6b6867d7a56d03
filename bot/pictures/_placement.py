"""Find a free spot for a chart annotation, so labels never sit on bars or on each other.

Works in display pixels on a figure that has not been saved yet: matplotlib can measure text
with the canvas renderer before anything is drawn. The chart changes with the requested span,
so fixed positions would collide sooner or later; searching is cheap (a few dozen bboxes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

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
    """Move ``note``'s text to the lowest free spot above its anchor, inside the axes.

    Candidates are tried nearest first: centred over the anchor, then shifted sideways so the
    text stays inside the axes, rising in small steps. Returns the text's box, or ``None`` if
    nothing fits below the top of the axes (the caller then raises the y-limit and retries).
    """
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[union-attr]
    to_data = ax.transData.inverted()
    axes_box = ax.get_window_extent(renderer)
    anchor_x, anchor_y = ax.transData.transform(note.xy)
    note.set_horizontalalignment("center")
    note.set_verticalalignment("bottom")
    note.xyann = tuple(to_data.transform((anchor_x, anchor_y)))
    width = text_box(note, renderer).width
    half = width / 2
    low = axes_box.x0 + half + PAD_PX
    high = axes_box.x1 - half - PAD_PX
    centre = min(max(anchor_x, low), high)
    # Sideways candidates: the clamped centre first, then up to two text-widths either way.
    offsets = [0.0]
    for k in range(1, 9):
        offsets += [k * width / 4, -k * width / 4]
    xs = [x for x in (centre + dx for dx in offsets) if low <= x <= high]
    y = anchor_y + lift_px
    height = text_box(note, renderer).height
    while y + height <= axes_box.y1 - PAD_PX:
        for x in xs:
            note.xyann = tuple(to_data.transform((x, y)))
            box = text_box(note, renderer)
            if not _overlaps(box, obstacles):
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
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[union-attr]
    points_per_px = 72 / ax.figure.dpi
    axes_box = ax.get_window_extent(renderer)
    dx_pt, dy_pt = label.xyann
    box = text_box(label, renderer)
    if box.x0 < axes_box.x0:
        dx_pt += (axes_box.x0 - box.x0) * points_per_px
    elif box.x1 > axes_box.x1:
        dx_pt -= (box.x1 - axes_box.x1) * points_per_px
    label.xyann = (dx_pt, dy_pt)
    box = text_box(label, renderer)
    for _ in range(60):
        if not _overlaps(box, obstacles, pad):
            break
        pad = PAD_PX  # off its bar, a label needs the same clear space as any other
        dy_pt += STEP_PX * points_per_px
        label.xyann = (dx_pt, dy_pt)
        box = text_box(label, renderer)
    return box
