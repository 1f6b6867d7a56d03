"""What the chart and the map share: the page style and turning a figure into PNG bytes."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100  # figure inches × 100 = pixels, so sizes in the code read as pixels / 100

# An opaque near-white page with dark text reads the same on Discord's dark and light themes
# (a transparent PNG would put dark text on a dark background).
PAGE = "#FFFFFF"
INK = "#1F2328"  # titles and labels
MUTED = "#57606A"  # notes and the source line; still 6:1 contrast on the page
FONT = "DejaVu Sans"  # bundled with matplotlib, so rendering never depends on system fonts

# PNG metadata without the matplotlib version, so an upgrade alone does not change the bytes.
_METADATA = {"Software": None}


def new_figure(width_px: int, height_px: int) -> Figure:
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor=PAGE)
    FigureCanvasAgg(fig)  # explicit Agg canvas: never touches pyplot or a GUI backend
    return fig


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # No bbox_inches="tight": it would change the pixel size, and the map's pixel transform
    # (MapFrame) relies on the figure keeping exactly the size it was given.
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=PAGE, metadata=_METADATA)
    return buffer.getvalue()
