"""The answer writer's two ways to write a batch, timed against each other in the same run.

    DATABASE_URL=postgresql+asyncpg://… .venv/bin/python bench/answer_writer.py [--batches 100] [--busy 20]

The generic way (a connection from the pool for each batch, pre-pinged, and a transaction
around a multi-row insert and the names' upsert: the only one on SQLite, and PostgreSQL's
before) and PostgreSQL's own (``_PG_WRITE``, the batch as arrays in one statement, on the
connection the writer keeps while clicks stream in), alternating batch by batch on the same
database. Batches of 1, 10 and 50 new answers (a quiet moment, a busy one, a full batch).
A second pass runs ``--busy N`` tasks beside the writer that each hold the event loop 0.5 ms
per turn, as a bot handling hundreds of clicks a second does: every round trip then waits
for a turn of the loop, and a batch costs what its round trips cost. The writer's private
methods are called directly: the batch is what this times, not the queue in front of it.

Prints, per case, the median wall time of one batch (and its CPU time on the idle loop; on
the busy one the neighbours' CPU is in it too); last line, exactly:
``batch=50 busy=N generic_ms=… statement_ms=… ratio=…`` (the full batch on the busy loop;
ratio = statement / generic).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import sys
import time
from collections.abc import Awaitable, Callable

from _common import median

from bot.db import migrate
from bot.db.engine import create_engine
from bot.metrics import Metrics
from bot.quiz.answers import AnswerWriter, NewAnswer
from bot.quiz.models import QuizRound, RoundStatus

GUILD = 1_000_000_000_000_000_001
SIZES = (1, 10, 50)
NOW = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)


async def hog(stop: asyncio.Event) -> None:
    """One busy neighbour: 0.5 ms of the loop per turn."""
    while not stop.is_set():
        end = time.perf_counter() + 0.0005
        while time.perf_counter() < end:
            pass
        await asyncio.sleep(0)


async def main(batches: int, busy: int) -> None:
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("answer_writer: DATABASE_URL must name a PostgreSQL database (the single "
                 "statement is PostgreSQL's)")
    engine = create_engine(url)
    await migrate.upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(QuizRound.__table__.delete())  # type: ignore[attr-defined]
        await conn.execute(QuizRound.__table__.insert().values(  # type: ignore[attr-defined]
            id=1, guild_id=GUILD, channel_id=1, active_channel_id=1, starter_id=1,
            topic="mixed", difficulty=None, question_count=1, time_limit=30, seed=1,
            status=RoundStatus.RUNNING, started_at=NOW))
    users = itertools.count(1)

    def batch(size: int) -> list[NewAnswer]:
        return [NewAnswer(1, 0, GUILD, user, f"player {user}", 0, True, 100, 1000, NOW)
                for user in itertools.islice(users, size)]

    writer = AnswerWriter(engine, Metrics())
    ways: dict[str, Callable[[AnswerWriter, list[NewAnswer]], Awaitable[object]]] = {
        "generic": AnswerWriter._write_generic,
        "statement": AnswerWriter._write_postgresql,
    }
    for loads in ((0, busy) if busy else (0,)):
        stop = asyncio.Event()
        neighbours = [asyncio.create_task(hog(stop)) for _ in range(loads)]
        for size in SIZES:
            wall: dict[str, list[float]] = {way: [] for way in ways}
            cpu: dict[str, list[float]] = {way: [] for way in ways}
            for _ in range(batches):
                for way, write in ways.items():
                    rows = batch(size)
                    c0, t0 = time.process_time(), time.perf_counter()
                    await write(writer, rows)
                    wall[way].append(time.perf_counter() - t0)
                    cpu[way].append(time.process_time() - c0)
            for way, times in wall.items():
                print(f"# busy={loads} batch={size} {way:9} wall_ms={median(times) * 1000:.2f}"
                      f" cpu_ms={median(cpu[way]) * 1000:.2f}")
            last = (median(wall["generic"]), median(wall["statement"]))
        stop.set()
        await asyncio.gather(*neighbours)
    await writer._let_go_of_connection()
    await engine.dispose()
    generic, statement = last
    print(f"batch={SIZES[-1]} busy={busy} generic_ms={generic * 1000:.2f} "
          f"statement_ms={statement * 1000:.2f} ratio={statement / generic:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=100, help="batches per case (default 100)")
    parser.add_argument("--busy", type=int, default=20,
                        help="busy neighbours on the loop in the second pass (default 20, "
                             "10 ms a turn; 0: no second pass)")
    args = parser.parse_args()
    asyncio.run(main(args.batches, args.busy))
