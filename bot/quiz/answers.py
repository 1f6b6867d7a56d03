"""Exactly-once answers, written in batches.

Every click becomes one row of ``quiz_answer``; the unique (round, question, user) constraint
makes a second answer impossible even across processes, and the points are columns of that
same row, so they are committed with it or not at all. Clicks that arrive while a transaction
is running are gathered into the next one (group commit): under a burst of thousands of
clicks the database sees a few dozen transactions instead of thousands, and at low load
nothing waits at all. While clicks keep coming (the last batch was written moments ago) the
writer lingers before taking the next batch, as a Kafka producer's ``linger.ms`` does, until
the batch is full enough or the linger is over: a transaction costs the bot about 1.1 ms of CPU
for one row and 2.2 ms for fifty (SQLite, measured), so under a sustained stream (hundreds of
clicks a second, spread out) this is what keeps the batches full instead of a few rows each.
The linger delays a receipt by at most ``LINGER``, well under what a player can notice.

On PostgreSQL a batch is one statement sent in autocommit (``_PG_WRITE``): the answers and
the names as arrays, so the statement's text, and so its prepared plan, is the same for any
batch size; a statement commits atomically on its own, so both inserts land together or not
at all. While clicks stream in, the writer keeps its connection between batches instead of
taking one from the pool for each: the pool's pre-ping (BEGIN, a ping, ROLLBACK) is three
round trips. Each round trip waits for a turn of the bot's event loop, and on a loop busy
with clicks a turn is what a receipt waits for: the generic path took about 25 turns a
batch, the single statement on a kept connection 3 (bench/answer_writer.py; README,
"Clicks"). A kept connection may have died since its last batch (the database restarted or
failed over): the batch then goes once more on a fresh connection, and a row that the dead
attempt did store, with the same moment and option, counts as this batch's
(``_PG_RETRY``), so a receipt never says "already answered" of the member's own answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db.dialect import prepared
from bot.metrics import Metrics
from bot.quiz.models import Answer, Player

log = logging.getLogger(__name__)

MAX_BATCH = 1000
FULL = 50  # rows that make a busy writer's batch full enough to write at once
LINGER = 0.05  # seconds a busy writer waits at most to fill its next batch
BUSY = 0.1  # the last batch was written less than this ago: clicks are streaming in


@dataclass
class NewAnswer:
    round_id: int
    question_index: int
    guild_id: int
    user_id: int
    display_name: str
    option_index: int
    correct: bool
    points: int
    elapsed_ms: int
    answered_at: dt.datetime
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop()
                                       .create_future())

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.round_id, self.question_index, self.user_id)


def _answer_insert(dialect_insert: Any) -> Any:
    """The new answers, returning those stored (a repeat of a stored one is left out)."""
    return dialect_insert(Answer).on_conflict_do_nothing(
        index_elements=["round_id", "question_index", "user_id"]).returning(
        Answer.round_id, Answer.question_index, Answer.user_id)


def _name_upsert(dialect_insert: Any) -> Any:
    """The players' display names as of their latest answer."""
    stmt = dialect_insert(Player)
    return stmt.on_conflict_do_update(
        index_elements=["guild_id", "user_id"],
        set_={"display_name": stmt.excluded.display_name,
              "updated_at": stmt.excluded.updated_at})


# Rows come as one array per column (``unnest`` zips them back into rows); names are sorted
# by (guild, member) and written in that order, as the generic path does (see totals._upsert).
_PG_BATCH = """
WITH new AS (
    SELECT * FROM unnest(CAST(:round_id AS INTEGER[]), CAST(:question_index AS INTEGER[]),
                         CAST(:guild_id AS BIGINT[]), CAST(:user_id AS BIGINT[]),
                         CAST(:option_index AS INTEGER[]), CAST(:correct AS BOOLEAN[]),
                         CAST(:points AS INTEGER[]), CAST(:elapsed_ms AS INTEGER[]),
                         CAST(:answered_at AS TIMESTAMPTZ[]))
        AS n(round_id, question_index, guild_id, user_id, option_index, correct, points,
             elapsed_ms, answered_at)
), stored AS (
    INSERT INTO quiz_answer (round_id, question_index, guild_id, user_id, option_index,
                             correct, points, elapsed_ms, answered_at)
    SELECT * FROM new
    ON CONFLICT (round_id, question_index, user_id) DO NOTHING
    RETURNING round_id, question_index, user_id
), names AS (
    INSERT INTO quiz_player (guild_id, user_id, display_name, updated_at)
    SELECT * FROM unnest(CAST(:p_guild_id AS BIGINT[]), CAST(:p_user_id AS BIGINT[]),
                         CAST(:p_display_name AS VARCHAR[]),
                         CAST(:p_updated_at AS TIMESTAMPTZ[])) AS p(g, u, n, t)
    ORDER BY g, u
    ON CONFLICT (guild_id, user_id) DO UPDATE
    SET display_name = excluded.display_name, updated_at = excluded.updated_at
)
SELECT round_id, question_index, user_id FROM stored
"""
_PG_WRITE = sa.text(_PG_BATCH)
# The same, after an attempt whose fate is unknown: the main query sees the rows committed
# before it (not those ``stored`` adds), so this finds what the lost attempt wrote.
_PG_RETRY = sa.text(_PG_BATCH + """UNION ALL
SELECT a.round_id, a.question_index, a.user_id
FROM quiz_answer AS a JOIN new USING (round_id, question_index, user_id)
WHERE a.answered_at = new.answered_at AND a.option_index = new.option_index
""")
_ANSWER_COLUMNS = ("round_id", "question_index", "guild_id", "user_id", "option_index",
                   "correct", "points", "elapsed_ms", "answered_at")
_NAME_COLUMNS = ("guild_id", "user_id", "display_name", "updated_at")


def _latest_names(batch: list[NewAnswer]) -> list[tuple[int, int, str, dt.datetime]]:
    """Each member's display name as of their latest answer in the batch, in (guild, member)
    order: both paths write the names in that order (see totals._upsert)."""
    latest = {(a.guild_id, a.user_id): (a.display_name[:100], a.answered_at) for a in batch}
    return [(guild, user, name, at) for (guild, user), (name, at) in sorted(latest.items())]


class AnswerWriter:
    def __init__(self, engine: AsyncEngine, metrics: Metrics) -> None:
        self.engine = engine
        self.metrics = metrics
        self._queue: asyncio.Queue[NewAnswer | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.lingered = 0  # batches that waited for company
        self.rows = 0
        self._last_write = float("-inf")
        self._full = asyncio.Event()  # set when a lingering writer has enough for a batch
        self._kept: AsyncConnection | None = None  # PostgreSQL, while clicks stream in
        self.retries = 0  # batches sent again because a kept connection had died

    async def submit(self, answer: NewAnswer) -> bool:
        """Write ``answer``; True if it was recorded, False if that user had already answered
        that question. Raises if the database failed (nothing was written)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="answer-writer")
        await self._queue.put(answer)
        if self._queue.qsize() >= FULL - 1:  # besides the one the writer holds
            self._full.set()
        return await answer.done

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            try:  # a quiet spell gives the kept connection back to the pool
                async with asyncio.timeout(None if self._kept is None else BUSY):
                    first = await self._queue.get()
            except TimeoutError:
                await self._let_go_of_connection()
                continue
            if first is None:
                return
            if self._queue.qsize() < FULL - 1 and time.monotonic() - self._last_write < BUSY:
                self.lingered += 1
                self._full.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(LINGER):
                        await self._full.wait()
            batch = [first]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:  # close(): write what came before, then stop
                    stopping = True
                    break
                batch.append(item)
            try:
                inserted = await self._write(batch)
            except Exception as exc:  # the database is down: every caller gets the error
                log.warning("could not record %d answers: %s", len(batch), exc)
                self.metrics.database_errors.inc()
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(exc)
                continue
            finally:
                self._last_write = time.monotonic()
            for item in batch:
                if not item.done.done():
                    item.done.set_result(item.key in inserted)
                    inserted.discard(item.key)  # a duplicate within the batch loses

    async def _write(self, batch: list[NewAnswer]) -> set[tuple[int, int, int]]:
        if self.engine.dialect.name == "postgresql":
            inserted = await self._write_postgresql(batch)
        else:
            inserted = await self._write_generic(batch)
        self.batches += 1
        self.rows += len(batch)
        return inserted

    async def _write_generic(self, batch: list[NewAnswer]) -> set[tuple[int, int, int]]:
        rows = [{name: getattr(a, name) for name in _ANSWER_COLUMNS} for a in batch]
        names = [dict(zip(_NAME_COLUMNS, row, strict=True)) for row in _latest_names(batch)]
        async with self.engine.begin() as conn:
            result = await conn.execute(prepared(conn, _answer_insert), rows)
            inserted = {(int(r[0]), int(r[1]), int(r[2])) for r in result.all()}
            await conn.execute(prepared(conn, _name_upsert), names)
        return inserted

    async def _write_postgresql(self, batch: list[NewAnswer]) -> set[tuple[int, int, int]]:
        params: dict[str, list[Any]] = {name: [getattr(a, name) for a in batch]
                                        for name in _ANSWER_COLUMNS}
        names = _latest_names(batch)
        for i, name in enumerate(_NAME_COLUMNS):
            params[f"p_{name}"] = [row[i] for row in names]
        kept = self._kept is not None
        try:
            result = await self._execute(_PG_WRITE, params)
        except sa.exc.DBAPIError as exc:
            if not (kept and exc.connection_invalidated):
                raise
            log.info("answer writer: the kept connection had died (%s); writing again",
                     type(exc.orig).__name__)
            self.retries += 1
            result = await self._execute(_PG_RETRY, params)
        return {(int(r[0]), int(r[1]), int(r[2])) for r in result.all()}

    async def _execute(self, statement: Any, params: dict[str, list[Any]]) -> Any:
        """On the kept connection, or else a new one from the pool (pre-pinged) put in
        autocommit: no BEGIN and COMMIT around the statement (with asyncpg a flag on the
        connection, no round trip). A connection that failed is not kept."""
        if self._kept is None:
            conn = await self.engine.connect()
            self._kept = await conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            return await self._kept.execute(statement, params)
        except BaseException:
            await self._let_go_of_connection()
            raise

    async def _let_go_of_connection(self) -> None:
        conn, self._kept = self._kept, None
        if conn is not None:
            with contextlib.suppress(Exception):  # a dead one is dropped by the pool anyway
                await conn.close()

    async def close(self) -> None:
        """Write everything already submitted, then stop."""
        if self._task is None or self._task.done():
            return
        await self._queue.put(None)
        await self._task
        self._task = None
        await self._let_go_of_connection()
        log.info("answer writer: %d answers in %d transactions (%d lingered for company)",
                 self.rows, self.batches, self.lingered)
