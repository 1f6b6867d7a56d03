"""The render worker: the code that runs in the picture process, the only place matplotlib,
numpy and the map outlines are loaded.

:class:`~bot.pictures.renderer.PictureRenderer` (in the bot process) sends each render here
through a :class:`concurrent.futures.ProcessPoolExecutor` and gets PNG bytes back, so a render
never competes with click handling for the bot's interpreter, and matplotlib's ~60–100 MB stay
out of the bot process.

**What a job carries: the facts themselves, pickled once per snapshot.** Facts are plain
frozen dataclasses of dates, strings and numbers; the whole snapshot pickles to ~90 KB in
~1 ms and unpickles in ~1 ms (measured on the 2-core box), small next to a 50–1,000 ms
render. The alternative, sending only ``facts.version`` and letting the worker read the
snapshot from the database or ``data/`` itself, was rejected because

* it would draw from whatever the database holds *now*, not from the snapshot the bot
  answered with: during a reload the text and the picture could disagree;
* the worker would need the database URL, SQLAlchemy and an event loop of its own, and
  facts built by hand (tests, the bench) have no version to look up at all.

So :func:`parcel` pickles a snapshot once (memoised on the snapshot itself; the memo of
derived tables is left out) and every job carries that blob; the worker unpickles a version
once and keeps the last few (:data:`KEEP_VERSIONS`), so the derived tables a chart needs
(single years, statuses on a date …) are also worked out once per version in the worker.
Facts without a version are unpickled for every job and never kept, as the renderer never
caches their pictures either.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import pickle
import signal
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.facts.records import Facts

log = logging.getLogger(__name__)

KEEP_VERSIONS = 2  # the current snapshot and the one a reload just replaced
PARENT_POLL = 1.0  # seconds between checks that the bot process is still there


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes  # PNG
    filename: str  # e.g. "defectors-2002-2025.png", ready for discord.File


@dataclass(frozen=True, slots=True)
class FactsParcel:
    """A snapshot as the worker receives it: its version and its pickle."""

    version: str
    blob: bytes


def parcel(facts: Facts) -> FactsParcel:
    """The snapshot ready to send; pickled once, kept in the snapshot's own memo."""
    def pack() -> FactsParcel:
        # replace() starts with an empty memo: derived tables are cheaper to recompute there
        # than to ship (some hold large pools), and the memo would otherwise contain itself.
        bare = dataclasses.replace(facts)
        return FactsParcel(facts.version, pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL))

    return facts.memo("pictures-parcel", pack)


# --- State of the worker process -----------------------------------------------------------------

_snapshots: OrderedDict[str, Facts] = OrderedDict()


def _open(sent: FactsParcel) -> Facts:
    if not sent.version:
        facts: Facts = pickle.loads(sent.blob)
        return facts
    found = _snapshots.get(sent.version)
    if found is None:
        found = _snapshots[sent.version] = pickle.loads(sent.blob)
        while len(_snapshots) > KEEP_VERSIONS:
            _snapshots.popitem(last=False)
    else:
        _snapshots.move_to_end(sent.version)
    return found


def initialize() -> None:
    """Run once in each new worker process (the pool's ``initializer``)."""
    # Ctrl-C in a terminal reaches the whole process group: the bot decides when its worker
    # stops (it closes the pool on shutdown), so the worker must not die mid-render on SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent(os.getppid())
    try:
        warm()
    except Exception:  # the render that needs what failed raises it again, to its caller
        log.exception("render worker: warm-up failed")


def _watch_parent(parent: int) -> None:
    """Exit when the bot process is gone, even if it was killed without closing the pool
    (SIGKILL, OOM killer): otherwise the worker would linger as an orphan holding ~100 MB."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def warm() -> None:
    """Import the plotting stack and load + project the map outlines (once per process)."""
    from bot.pictures import _fonts, chart, worldmap  # noqa: F401  (the import is the point)

    worldmap.prepare()
    # Checked at start (cheaply: the font is registered with matplotlib at the first Korean
    # picture, so the warm-up costs no more CPU than it did).
    if not _fonts.hangul_font_files():
        log.warning(_fonts.MISSING)


# --- Jobs: module-level functions, so the pool can pickle them by name ---------------------------


def ping() -> int:
    """The worker's process id; the renderer's warm-up sends it to start the process."""
    return os.getpid()


def _suffix(drawn: str) -> str:
    """A picture's file name says its language when it is not English."""
    return "" if drawn == "en" else f"-{drawn}"


def chart_job(sent: FactsParcel, highlight_year: int | None,
              span: tuple[int, int] | None, lang: str = "en") -> Picture:
    from bot.pictures import _figure, chart

    facts = _open(sent)
    shown = [p.last_year for p in chart.shown_years(facts, span)]
    with _figure.drawing_in(lang) as drawn:
        data = chart.render_defectors_chart(facts, highlight_year=highlight_year, span=span)
    name = f"defectors-{shown[0]}-{shown[-1]}"
    if highlight_year in shown:
        name += f"-highlight-{highlight_year}"
    return Picture(data, f"{name}{_suffix(drawn.code)}.png")


def breakdown_job(sent: FactsParcel, kind: str, highlight_year: int | None,
                  lang: str = "en") -> Picture:
    from bot.pictures import _figure, breakdown

    facts = _open(sent)
    render = {"cumulative": breakdown.render_cumulative_chart,
              "gender": breakdown.render_gender_chart}[kind]
    with _figure.drawing_in(lang) as drawn:
        data = render(facts, highlight_year=highlight_year)
    name = f"defectors-{kind}"
    if highlight_year in facts.year_by_number:
        name += f"-highlight-{highlight_year}"
    return Picture(data, f"{name}{_suffix(drawn.code)}.png")


def map_job(sent: FactsParcel, as_of: dt.date, lang: str = "en") -> Picture:
    from bot.pictures import _figure, worldmap

    with _figure.drawing_in(lang) as drawn:
        data = worldmap.render_recognition_map(_open(sent), as_of)
    return Picture(data, f"recognition-map-{as_of.isoformat()}{_suffix(drawn.code)}.png")
