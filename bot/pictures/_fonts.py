"""Where a font with Hangul is looked for (no matplotlib here: the start-up check is cheap).

DejaVu, matplotlib's own font, has no Hangul. Korean pictures use a system font that has it:
Debian's fonts-nanum (``make hangul-font``) or fonts-noto-cjk, or the file the
``FACTQUIZ_HANGUL_FONT`` variable names. Without one a Korean picture is drawn in English
(logged), never with tofu boxes.
"""

from __future__ import annotations

import os
from pathlib import Path

HANGUL_FONT_FILES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
MISSING = ("no Hangul font found (install fonts-nanum: make hangul-font); Korean pictures are "
           "drawn in English")


def hangul_font_files(candidates: tuple[str, ...] = HANGUL_FONT_FILES) -> list[str]:
    """The Hangul font files present, the operator's choice first."""
    wanted = os.environ.get("FACTQUIZ_HANGUL_FONT")
    return [f for f in ([wanted] if wanted else []) + list(candidates) if Path(f).is_file()]
