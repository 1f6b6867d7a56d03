"""The bot's way to get pictures: drawn in a render worker process, cached, never blocking.

* Drawing happens in a separate **render worker process** (:mod:`bot.pictures.worker`, a
  :class:`~concurrent.futures.ProcessPoolExecutor` of ``workers`` processes, 1 by default),
  the only place matplotlib, numpy and the map outlines are loaded. A render therefore never
  holds the bot's interpreter (click latency is unaffected by renders), and the ~100 MB of the
  plotting stack stay out of the bot process: the bot process never imports matplotlib.
  The worker process is started by the first job (the warm-up at start), uses the ``spawn``
  start method by default (no copy of the bot's sockets, threads or event loop), exits with
  the pool on :meth:`PictureRenderer.close` and on its own if the bot process dies.
* A worker that dies (killed, out of memory, a crash in a C library) fails only the renders
  it was running (:class:`RenderWorkerCrashed`); the next render starts a fresh worker.
* Results are cached **in the bot process** (PNG bytes) by ``(facts.version, kind,
  parameters)`` in a bounded LRU, so a hit never leaves the process. A data reload changes
  ``facts.version``, so old pictures simply stop matching and age out; ``clear()`` drops
  everything at once. Facts without a version (built by hand) are never cached, because
  nothing would tell two different data sets apart.
* Identical requests that arrive while the first is still rendering share that render.
* Pictures are keyed by what they show: a map's date is normalised to the last recognition
  event at or before it (:func:`shown_date`), so 2030-01-01 and every day since the latest
  event are one picture and one cache entry; a flood of dates cannot multiply renders.
* Renders wait in one queue per *lane* (the server asking) in the bot process, and a job is
  handed to the pool only when a worker is free, taking lanes in turn (round-robin): a server
  that floods the worker delays another server's picture by at most the renders already
  running, not by its whole backlog.
* Importing this module loads neither matplotlib nor numpy, and neither does anything else in
  the bot process: only the worker process imports them.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import functools
import logging
import multiprocessing
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, TypeVar

from bot.facts.records import SNAPSHOT_DATE
from bot.pictures import worker
from bot.pictures._cache import CacheInfo, LRUCache
from bot.pictures.worker import Picture

if TYPE_CHECKING:
    from bot.facts.records import Facts
    from bot.quiz.questions.model import PictureRequest

__all__ = ["Picture", "PictureRenderer", "RenderWorkerCrashed", "RendererClosed", "shown_date"]

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 64
DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # ~150 maps at ~0.2 MB; a chart is ~50 KB
DEFAULT_WORKERS = 1  # on 2 shared cores more would only compete with the bot for the CPU
DEFAULT_START_METHOD = "spawn"
CLOSE_TIMEOUT = 5.0  # seconds a running render may take to finish when the bot stops


class RendererClosed(RuntimeError):
    """The renderer was closed; the bot is shutting down."""


class RenderWorkerCrashed(RuntimeError):
    """The render worker process died while drawing this picture; the next render starts a
    new one."""


def shown_date(facts: Facts, as_of: dt.date) -> dt.date:
    """The date whose data a map of ``as_of`` shows: the last event on or before it (the
    snapshot when none). Dates before the snapshot are returned as given, to be refused."""
    if as_of < SNAPSHOT_DATE:
        return as_of
    dates = [e.effective for e in facts.events]  # sorted by effective date
    i = bisect.bisect_right(dates, as_of)
    return max(SNAPSHOT_DATE, dates[i - 1]) if i else SNAPSHOT_DATE


Lane = Hashable  # who a render is for (a guild id); None: anyone else


def _lang_key(lang: str) -> tuple[str, ...]:
    """The language's part of a cache key: none for English (the keys it always had)."""
    return () if lang == "en" else (lang,)


def _processes(pool: ProcessPoolExecutor | None) -> dict[int, BaseProcess]:
    """The pool's worker processes by pid (the executor keeps them in a private field)."""
    found: dict[int, BaseProcess] | None = getattr(pool, "_processes", None)
    return dict(found or {})


@dataclass(slots=True)
class _Waiting:
    """A render waiting in its lane."""

    job: Callable[[], object]
    future: asyncio.Future[Any]  # resolved with the job's result, whatever its type
    retried: bool = False  # already sent once to a worker that died


# --- The facade --------------------------------------------------------------------------------


class PictureRenderer:
    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        workers: int = DEFAULT_WORKERS,
        start_method: str = DEFAULT_START_METHOD,
    ) -> None:
        if workers < 1:
            raise ValueError("the renderer needs at least one worker process")
        self._cache: LRUCache[Picture] = LRUCache(max_entries, max_bytes, lambda p: len(p.data))
        self._workers = workers
        self._context = multiprocessing.get_context(start_method)
        self._pool: ProcessPoolExecutor | None = None  # started by the first job
        self._closed = False
        self._inflight: dict[Hashable, asyncio.Future[Picture]] = {}
        # Waiting renders per lane, in turn order. A job goes to the pool only when a worker
        # is free: the pool's own queue is FIFO and would undo the lanes' fairness.
        self._lanes: OrderedDict[Lane, deque[_Waiting]] = OrderedDict()
        self._busy = 0  # jobs the pool is running
        self._generation = 0  # bumped by clear(): renders started before it are not stored
        self.renders = 0  # jobs handed to the worker (cache hits and shared renders are not)
        self.restarts = 0  # worker pools replaced after a worker died

    async def defectors_chart(
        self,
        facts: Facts,
        *,
        highlight_year: int | None = None,
        span: tuple[int, int] | None = None,
        lane: Lane = None,
        lang: str = "en",
    ) -> Picture:
        """The arrivals bar chart. Raises ``ValueError`` for a span without single years.
        ``lang``: the language of its titles, legend and footer (cached per language)."""
        span = None if span is None else (int(span[0]), int(span[1]))
        key = self._key(facts, "defectors", highlight_year, span, *_lang_key(lang))
        return await self._get(key, functools.partial(worker.chart_job, worker.parcel(facts),
                                                 highlight_year, span, lang),
                               lane)

    async def breakdown_chart(self, facts: Facts, kind: str, *,
                              highlight_year: int | None = None, lane: Lane = None,
                              lang: str = "en") -> Picture:
        """The running-total (``kind="cumulative"``) or women/men (``"gender"``) chart."""
        if kind not in ("cumulative", "gender"):
            raise ValueError(f"unknown chart kind {kind!r}")
        key = self._key(facts, f"defectors-{kind}", highlight_year, *_lang_key(lang))
        return await self._get(key, functools.partial(worker.breakdown_job, worker.parcel(facts),
                                                      kind, highlight_year, lang), lane)

    async def for_request(self, facts: Facts, request: PictureRequest, *,
                          lane: Lane = None, lang: str = "en") -> Picture:
        """Exactly the picture a question declares (its family decides; nothing is guessed):
        the one call adapters make, so a new picture kind needs no change outside this
        package. ``lane``: whose turn in the fair queue (the server). Raises ``ValueError``
        for a request it cannot draw (a map without a date)."""
        if request.kind == "chart":
            return await self.defectors_chart(facts, highlight_year=request.highlight,
                                              span=request.span, lane=lane, lang=lang)
        if request.kind in ("cumulative", "gender"):
            return await self.breakdown_chart(facts, request.kind,
                                              highlight_year=request.highlight, lane=lane,
                                              lang=lang)
        if request.kind == "map":
            if request.as_of is None:  # the validator refuses this; never guess a date
                raise ValueError(f"a map request without a date: {request}")
            return await self.recognition_map(facts, request.as_of, lane=lane, lang=lang)
        raise ValueError(f"unknown picture kind {request.kind!r}")

    async def recognition_map(self, facts: Facts, as_of: dt.date, *,
                              lane: Lane = None, lang: str = "en") -> Picture:
        """The world map at the end of ``as_of`` (drawn for :func:`shown_date`, the date of
        the data it shows). Raises ``AsOfError`` before 2023-11-14."""
        shown = shown_date(facts, as_of)
        key = self._key(facts, "recognition-map", shown, *_lang_key(lang))
        return await self._get(key, functools.partial(worker.map_job, worker.parcel(facts), shown,
                                                      lang), lane)

    async def warm_up(self, facts: Facts | None = None) -> None:
        """Start the worker process, which loads matplotlib and the map outlines as it
        starts; with ``facts``, also pre-render the default chart and the latest map, the
        pictures asked for most."""
        await self._run(worker.ping)
        if facts is not None:
            await self.defectors_chart(facts)
            await self.recognition_map(facts, facts.latest_event_date)

    def clear(self) -> None:
        """Forget every cached picture (renders in progress are not stored either)."""
        self._generation += 1
        self._cache.clear()

    def cache_info(self) -> CacheInfo:
        return self._cache.info()

    def worker_pids(self) -> list[int]:
        """The process ids of the running render workers (for tests, the bench, the soak)."""
        return sorted(pid for pid, proc in _processes(self._pool).items() if proc.is_alive())

    async def close(self) -> None:
        """Stop the worker: queued renders are cancelled, a running one is let finish, and
        the worker processes have exited when this returns."""
        self._closed = True
        pool, self._pool = self._pool, None
        for queue in self._lanes.values():
            for waiting in queue:
                waiting.future.cancel()
        self._lanes.clear()
        if pool is None:
            return
        processes = list(_processes(pool).values())  # shutdown() forgets them
        stopping = asyncio.ensure_future(
            asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True))
        try:
            await asyncio.wait_for(asyncio.shield(stopping), CLOSE_TIMEOUT)
        except TimeoutError:
            # A render that hangs must not hold the bot's exit: the worker is only drawing.
            log.warning("the render worker did not stop within %.0f s: terminating it",
                        CLOSE_TIMEOUT)
            for proc in processes:
                proc.terminate()
            await stopping

    # --- internals ---

    @staticmethod
    def _key(facts: Facts, kind: str, *params: Hashable) -> Hashable | None:
        return (facts.version, kind, *params) if facts.version else None

    def _submit(self, job: Callable[[], T], lane: Lane = None) -> asyncio.Future[T]:
        if self._closed:
            raise RendererClosed("the picture renderer is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        queue = self._lanes.get(lane)
        if queue is None:
            queue = self._lanes[lane] = deque()  # a new lane takes its turn after the others
        queue.append(_Waiting(job, future))
        self._pump()
        return future

    def _live_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # The processes start on the first submit; each runs worker.initialize first.
            self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=self._context,
                                             initializer=worker.initialize)
        return self._pool

    def _pump(self) -> None:
        """Give a free worker the next job: the first waiting lane's oldest, then that lane
        goes to the back of the turn order."""
        while self._busy < self._workers and self._lanes and not self._closed:
            lane, queue = self._lanes.popitem(last=False)
            waiting = queue.popleft()
            if queue:
                self._lanes[lane] = queue
            if waiting.future.cancelled():
                continue
            pool = self._live_pool()
            try:
                running = asyncio.get_running_loop().run_in_executor(pool, waiting.job)
            except BrokenProcessPool:  # it died since the last job finished: start another
                self._discard(pool)
                pool = self._live_pool()
                running = asyncio.get_running_loop().run_in_executor(pool, waiting.job)
            self._busy += 1
            self.renders += 1
            running.add_done_callback(functools.partial(self._finished, waiting, lane, pool))

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Forget a pool whose worker died; the next job starts a fresh one."""
        if self._pool is pool:
            self._pool = None
            self.restarts += 1
            log.warning("the render worker died; starting a new one for the next picture")
        # Joins the executor's manager thread; the dead pool has no processes left to wait for.
        pool.shutdown(wait=False, cancel_futures=True)

    def _finished(self, waiting: _Waiting, lane: Lane, pool: ProcessPoolExecutor,
                  running: asyncio.Future[object]) -> None:
        self._busy -= 1
        future = waiting.future
        error = None if running.cancelled() else running.exception()
        if isinstance(error, BrokenProcessPool):
            self._discard(pool)
            if not waiting.retried and not future.done() and not self._closed:
                # The worker may have died of something else (killed while idle, another
                # job): one more try, first in line. A job that kills every worker fails.
                self._lanes.setdefault(lane, deque()).appendleft(_Waiting(waiting.job, future, True))
                self._lanes.move_to_end(lane, last=False)
                self._pump()
                return
            error = RenderWorkerCrashed("the render worker died while drawing this picture")
        if not future.done():
            if running.cancelled():
                future.cancel()
            elif error is not None:
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
