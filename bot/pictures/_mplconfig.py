"""Give matplotlib a writable config/cache folder before it is first imported.

Without one, matplotlib falls back to a fresh temporary folder on every start when ``$HOME`` is
read-only (as in a container) and rebuilds its font cache each time, which costs seconds. A fixed
folder under the system temp dir keeps the cache between starts of the process.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_FOLDER = "factquiz-matplotlib"


def ensure_mplconfigdir() -> Path:
    """Set ``MPLCONFIGDIR`` unless the operator already did; return the folder in use."""
    configured = os.environ.get("MPLCONFIGDIR")
    if configured:
        return Path(configured)
    folder = Path(tempfile.gettempdir()) / _FOLDER
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        usable = os.access(folder, os.W_OK)
    except OSError:
        usable = False
    if not usable:
        # Another user owns the shared name: a private folder still beats no cache at all.
        folder = Path(tempfile.mkdtemp(prefix=f"{_FOLDER}-"))
    os.environ["MPLCONFIGDIR"] = str(folder)
    return folder
