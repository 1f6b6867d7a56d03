"""What the adapters share: settings, database, the facts snapshot, and the core services.

Nothing here imports Discord; cogs get a :class:`Services` and turn interactions into calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import migrate
from bot.db.engine import DatabaseUnreachable, create_engine, startup_lock, wait_for_database
from bot.facts import store
from bot.facts.files import DataError
from bot.facts.names import NameIndex
from bot.facts.records import Facts
from bot.metrics import Metrics
from bot.quiz.service import QuizService
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.pictures.renderer import PictureRenderer

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The bot cannot start; the message says why in one line."""


class FactsHolder:
    """The current snapshot; a reload swaps it atomically for every reader."""

    def __init__(self, facts: Facts) -> None:
        self.replace(facts)

    def replace(self, facts: Facts) -> None:
        self.facts = facts
        self.names = NameIndex(facts)


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    facts: FactsHolder
    quiz: QuizService
    metrics: Metrics
    started: float = field(default_factory=time.monotonic)
    _pictures: PictureRenderer | None = None
    _warm_up: asyncio.Task[None] | None = None

    @property
    def pictures(self) -> PictureRenderer:
        if self._pictures is None:
            # Cheap to import: matplotlib lives in the renderer's worker process, which
            # starts with the first render (the warm-up) and stops in close().
            from bot.pictures.renderer import PictureRenderer

            self._pictures = PictureRenderer()
        return self._pictures

    def warm_up_pictures(self) -> None:
        """Start the render worker (it loads the plotting stack and the map outlines) and
        draw the default pictures in the background, so the first `/defectors` or
        `/recognition map` of the day answers at once."""
        # Keep a reference: the event loop holds tasks only weakly.
        self._warm_up = asyncio.create_task(self.pictures.warm_up(self.facts.facts),
                                            name="warm-up")

    async def warm_up_questions(self) -> None:
        """Discover the question pools (about a second of CPU, once per data snapshot) before
        the gateway connects. Left to the first ``/quiz start`` it runs while interactions
        wait for the interpreter: that start, and clicks in other rounds, would miss
        Discord's 3 seconds."""
        from bot.quiz.selector import candidates

        await asyncio.to_thread(candidates, self.facts.facts, "mixed")

    async def close(self) -> None:
        if self._warm_up is not None and not self._warm_up.done():
            self._warm_up.cancel()  # closing before the pictures were ready: nothing to keep
        if self._warm_up is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._warm_up
        await self.quiz.shutdown()
        await self.metrics.close()
        if self._pictures is not None:
            await self._pictures.close()
        await self.engine.dispose()


async def open_services(settings: Settings) -> Services:
    """Connect, migrate to head, load the data files if they changed, read the snapshot."""
    engine = create_engine(settings.database_url)
    try:
        await reach_database(engine, settings)
        # Several processes may start at once (shards, a rolling deploy): one at a time.
        async with startup_lock(engine):
            await migrate.upgrade(engine)
            try:
                result = await store.load(engine, settings.data_dir)
                if result.changed:
                    log.info("loaded data files (version %s, %d rows)", result.digest,
                             result.rows)
            except DataError as exc:
                if await store.read(engine) is None:
                    raise StartupError(
                        f"data files are invalid and nothing was loaded before: {exc}") from None
                log.error("data files are invalid, keeping the loaded version: %s", exc)
        facts = await store.read(engine)
        assert facts is not None
    except BaseException:
        await engine.dispose()
        raise
    holder = FactsHolder(facts)
    metrics = Metrics()
    services = Services(settings=settings, engine=engine, facts=holder, metrics=metrics,
                        quiz=QuizService(engine, lambda: holder.facts, metrics=metrics,
                                        lease=settings.round_lease))
    if settings.metrics_port is not None:
        metrics.serve(settings.metrics_port, settings.metrics_host,
                      database=lambda: database_answers(engine))
    return services


async def reach_database(engine: AsyncEngine, settings: Settings) -> None:
    """Wait for the database at start (a few tries), or stop with one line naming the host."""
    try:
        await wait_for_database(engine, settings.database_host, settings.database_attempts)
    except DatabaseUnreachable as exc:
        raise StartupError(str(exc)) from None


async def database_answers(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    """For /healthz: does the database answer ``SELECT 1`` within ``timeout`` seconds?"""
    import sqlalchemy as sa

    try:
        async with asyncio.timeout(timeout), engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:  # any failure is "not healthy"; the reason is not the probe's business
        return False
    return True
