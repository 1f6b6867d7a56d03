"""What the chart and the map share: the page style and turning a figure into PNG bytes."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure, SubFigure
from PIL import Image

from bot import i18n
from bot.pictures import _fonts
from bot.pictures._fonts import HANGUL_FONT_FILES

log = logging.getLogger(__name__)

DPI = 100  # figure inches × 100 = pixels, so sizes in the code read as pixels / 100

# An opaque white page with dark text reads the same on Discord's dark and light themes
# (a transparent PNG would put dark text on a dark background).
PAGE = "#FFFFFF"
INK = "#1F2328"  # titles and labels
MUTED = "#57606A"  # notes and the source line; still 6:1 contrast on the page
FONT = "DejaVu Sans"  # bundled with matplotlib, so rendering never depends on system fonts
_family = [FONT]  # the family the picture being drawn uses (one picture at a time per worker)

# zlib level 1: on the map it halves encoding time (≈50 → ≈25 ms) against level 6 for a file
# only ~7% larger; Discord's upload time does not notice the difference.
_PNG_COMPRESS_LEVEL = 1


def font() -> str:
    """The font family of the picture being drawn (see :func:`drawing_in`)."""
    return _family[-1]


@cache
def hangul_family() -> str | None:
    """The family of the first Hangul font found (registered with matplotlib), or None."""
    files = _fonts.hangul_font_files(HANGUL_FONT_FILES)
    if not files:
        return None
    first = files[0]
    for file in files:
        if Path(file).suffix == Path(first).suffix:  # the regular and bold of one family
            font_manager.fontManager.addfont(file)
    return str(font_manager.FontProperties(fname=first).get_name())


_warned: set[str] = set()


def language_for_pictures(code: str) -> i18n.Lang:
    """The language a picture can be drawn in: ``code``, or English when no font has its
    script (logged once)."""
    lang = i18n.lang_for(code)
    if lang.is_default or hangul_family() is not None:
        return lang
    if code not in _warned:
        _warned.add(code)
        log.warning(_fonts.MISSING)
    return i18n.EN


@contextlib.contextmanager
def drawing_in(code: str) -> Iterator[i18n.Lang]:
    """Draw in language ``code``: its sentences (``_()``) and a font with its script."""
    lang = language_for_pictures(code)
    _family.append(FONT if lang.is_default else hangul_family() or FONT)
    try:
        with i18n.speaking(lang):
            yield lang
    finally:
        _family.pop()


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def new_figure(width_px: int, height_px: int) -> Figure:
    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor=PAGE)
    FigureCanvasAgg(fig)  # explicit Agg canvas: never touches pyplot or a GUI backend
    return fig


def renderer_of(fig: Figure | SubFigure) -> RendererAgg:
    """The Agg renderer of a figure made by :func:`new_figure`, to measure text before drawing.

    matplotlib types ``figure.canvas`` as the base canvas, which has no renderer; ours is
    always Agg (see :func:`new_figure`), and checking that beats ignoring the type."""
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    return canvas.get_renderer()


def to_png(fig: Figure) -> bytes:
    """Draw with Agg and encode as an RGB PNG.

    The page is opaque, so the alpha channel savefig would write carries nothing: dropping it
    makes encoding faster and the file smaller. Pillow writes no version or time metadata,
    so the same picture always gives the same bytes. There is no "tight" bounding box either:
    the map's pixel transform (MapFrame) relies on the figure keeping its exact size.
    """
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="png", compress_level=_PNG_COMPRESS_LEVEL)
    return buffer.getvalue()
