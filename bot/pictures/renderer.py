"""The bot's way to get pictures: rendered off the event loop, cached, never blocking.

* One worker thread. matplotlib is not thread-safe, and on two cores more threads would not
  render faster anyway; they would only compete with the event loop.
* Results are cached by ``(facts.version, kind, parameters)`` in a bounded LRU. A data reload
  changes ``facts.version``, so old pictures simply stop matching and age out; ``clear()``
  drops everything at once. Facts without a version (built by hand) are never cached,
  because nothing would tell two different data sets apart.
* Identical requests that arrive while the first is still rendering share that render.
* Pictures are keyed by what they show: a map's date is normalised to the last recognition
  event at or before it (:func:`shown_date`), so 2030-01-01 and every day since the latest
  event are one picture and one cache entry; a flood of dates cannot multiply renders.
* Renders wait in one queue per *lane* (the server asking) and the worker takes lanes in
  turn (round-robin), so a server that floods the worker delays another server's picture by
  at most the one render already running, not by its whole backlog.
* Importing this module loads neither matplotlib nor numpy: the worker imports them the first
  time it draws (or on :meth:`PictureRenderer.warm_up`), so the bot starts fast.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import functools
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.facts.records import SNAPSHOT_DATE
from bot.pictures._cache import CacheInfo, LRUCache

if TYPE_CHECKING:
    from bot.facts.records import Facts
    from bot.quiz.questions.model import PictureRequest

T = TypeVar("T")

DEFAULT_MAX_ENTRIES = 64
DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # ~150 maps at ~0.2 MB; a chart is ~50 KB


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes  # PNG
    filename: str  # e.g. "defectors-2002-2025.png", ready for discord.File


class RendererClosed(RuntimeError):
    """The renderer was closed; the bot is shutting down."""


def shown_date(facts: Facts, as_of: dt.date) -> dt.date:
    """The date whose data a map of ``as_of`` shows: the last event on or before it (the
    snapshot when none). Dates before the snapshot are returned as given, to be refused."""
    if as_of < SNAPSHOT_DATE:
        return as_of
    dates = [e.effective for e in facts.events]  # sorted by effective date
    i = bisect.bisect_right(dates, as_of)
    return max(SNAPSHOT_DATE, dates[i - 1]) if i else SNAPSHOT_DATE


Lane = Hashable  # who a render is for (a guild id); None: anyone else


# --- Jobs: run in the worker thread, the only place matplotlib is imported ---------------------


def _chart_job(facts: Facts, highlight_year: int | None, span: tuple[int, int] | None) -> Picture:
    from bot.pictures import chart

    shown = [p.last_year for p in chart.shown_years(facts, span)]
    data = chart.render_defectors_chart(facts, highlight_year=highlight_year, span=span)
    name = f"defectors-{shown[0]}-{shown[-1]}"
    if highlight_year in shown:
        name += f"-highlight-{highlight_year}"
    return Picture(data, f"{name}.png")


def _breakdown_job(facts: Facts, kind: str, highlight_year: int | None) -> Picture:
    from bot.pictures import breakdown

    render = {"cumulative": breakdown.render_cumulative_chart,
              "gender": breakdown.render_gender_chart}[kind]
    data = render(facts, highlight_year=highlight_year)
    name = f"defectors-{kind}"
    if highlight_year in facts.year_by_number:
        name += f"-highlight-{highlight_year}"
    return Picture(data, f"{name}.png")


def _map_job(facts: Facts, as_of: dt.date) -> Picture:
    from bot.pictures import worldmap

    data = worldmap.render_recognition_map(facts, as_of)
    return Picture(data, f"recognition-map-{as_of.isoformat()}.png")


def _warm_job() -> None:
    from bot.pictures import chart, worldmap  # noqa: F401  (the import is the point)

    worldmap.prepare()


# --- The facade --------------------------------------------------------------------------------


class PictureRenderer:
    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._cache: LRUCache[Picture] = LRUCache(max_entries, max_bytes, lambda p: len(p.data))
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="pictures"
        )  # no thread starts until the first job
        self._inflight: dict[Hashable, asyncio.Future[Picture]] = {}
        # Waiting renders per lane, in turn order; one job at a time goes to the worker.
        self._lanes: OrderedDict[Lane, deque[tuple[Callable[[], object], asyncio.Future[object]]]]
        self._lanes = OrderedDict()
        self._busy = False
        self._generation = 0  # bumped by clear(): renders started before it are not stored

    async def defectors_chart(
        self,
        facts: Facts,
        *,
        highlight_year: int | None = None,
        span: tuple[int, int] | None = None,
        lane: Lane = None,
    ) -> Picture:
        """The arrivals bar chart. Raises ``ValueError`` for a span without single years."""
        span = None if span is None else (int(span[0]), int(span[1]))
        key = self._key(facts, "defectors", highlight_year, span)
        return await self._get(key, functools.partial(_chart_job, facts, highlight_year, span),
                               lane)

    async def breakdown_chart(self, facts: Facts, kind: str, *,
                              highlight_year: int | None = None, lane: Lane = None) -> Picture:
        """The running-total (``kind="cumulative"``) or women/men (``"gender"``) chart."""
        if kind not in ("cumulative", "gender"):
            raise ValueError(f"unknown chart kind {kind!r}")
        key = self._key(facts, f"defectors-{kind}", highlight_year)
        return await self._get(key, functools.partial(_breakdown_job, facts, kind,
                                                      highlight_year), lane)

    async def for_request(self, facts: Facts, request: PictureRequest, *,
                          lane: Lane = None) -> Picture:
        """Exactly the picture a question declares (its family decides; nothing is guessed):
        the one call adapters make, so a new picture kind needs no change outside this
        package. ``lane``: whose turn in the fair queue (the server). Raises ``ValueError``
        for a request it cannot draw (a map without a date)."""
        if request.kind == "chart":
            return await self.defectors_chart(facts, highlight_year=request.highlight,
                                              span=request.span, lane=lane)
        if request.kind in ("cumulative", "gender"):
            return await self.breakdown_chart(facts, request.kind,
                                              highlight_year=request.highlight, lane=lane)
        if request.kind == "map":
            if request.as_of is None:  # the validator refuses this; never guess a date
                raise ValueError(f"a map request without a date: {request}")
            return await self.recognition_map(facts, request.as_of, lane=lane)
        raise ValueError(f"unknown picture kind {request.kind!r}")

    async def recognition_map(self, facts: Facts, as_of: dt.date, *,
                              lane: Lane = None) -> Picture:
        """The world map at the end of ``as_of`` (drawn for :func:`shown_date`, the date of
        the data it shows). Raises ``AsOfError`` before 2023-11-14."""
        shown = shown_date(facts, as_of)
        key = self._key(facts, "recognition-map", shown)
        return await self._get(key, functools.partial(_map_job, facts, shown), lane)

    async def warm_up(self, facts: Facts | None = None) -> None:
        """Load matplotlib and the map outlines now; with ``facts``, also pre-render the
        default chart and the latest map, the pictures asked for most."""
        await self._run(_warm_job)
        if facts is not None:
            await self.defectors_chart(facts)
            await self.recognition_map(facts, facts.latest_event_date)

    def clear(self) -> None:
        """Forget every cached picture (renders in progress are not stored either)."""
        self._generation += 1
        self._cache.clear()

    def cache_info(self) -> CacheInfo:
        return self._cache.info()

    async def close(self) -> None:
        """Stop the worker: queued renders are cancelled, a running one is let finish."""
        pool, self._pool = self._pool, None
        for queue in self._lanes.values():
            for _job, waiting in queue:
                waiting.cancel()
        self._lanes.clear()
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    # --- internals ---

    @staticmethod
    def _key(facts: Facts, kind: str, *params: Hashable) -> Hashable | None:
        return (facts.version, kind, *params) if facts.version else None

    def _submit(self, job: Callable[[], T], lane: Lane = None) -> asyncio.Future[T]:
        if self._pool is None:
            raise RendererClosed("the picture renderer is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        queue = self._lanes.get(lane)
        if queue is None:
            queue = self._lanes[lane] = deque()  # a new lane takes its turn after the others
        queue.append((job, future))  # type: ignore[arg-type]
        self._pump()
        return future

    def _pump(self) -> None:
        """Give the worker the next job: the first waiting lane's oldest, then that lane
        goes to the back of the turn order."""
        while not self._busy and self._lanes and self._pool is not None:
            lane, queue = self._lanes.popitem(last=False)
            job, future = queue.popleft()
            if queue:
                self._lanes[lane] = queue
            if future.cancelled():
                continue
            self._busy = True
            running = asyncio.get_running_loop().run_in_executor(self._pool, job)
            running.add_done_callback(functools.partial(self._finished, future))

    def _finished(self, future: asyncio.Future[object], running: asyncio.Future[object]) -> None:
        self._busy = False
        if not future.done():
            if running.cancelled():
                future.cancel()
            elif (error := running.exception()) is not None:
                future.set_exception(error)
            else:
                future.set_result(running.result())
        self._pump()

    async def _run(self, job: Callable[[], T], lane: Lane = None) -> T:
        return await self._submit(job, lane)

    async def _get(self, key: Hashable | None, job: Callable[[], Picture],
                   lane: Lane = None) -> Picture:
        if key is None:
            return await self._run(job, lane)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        pending = self._inflight.get(key)
        if pending is None:
            pending = self._submit(job, lane)
            self._inflight[key] = pending
            pending.add_done_callback(functools.partial(self._store, key, self._generation))
        # Shielded: one impatient caller being cancelled must not cancel a render others await.
        return await asyncio.shield(pending)

    def _store(self, key: Hashable, generation: int, future: asyncio.Future[Picture]) -> None:
        if self._inflight.get(key) is future:
            del self._inflight[key]
        if future.cancelled() or future.exception() is not None:
            return  # errors are raised to the callers, never cached
        if generation == self._generation:
            self._cache.put(key, future.result())
