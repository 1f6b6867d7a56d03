"""Leaderboard and /quiz stats against a long answer history, next to the same at 1,000 answers.

One guild, P players (default 2,000). Answers are seeded in the answer table's real shape,
in batches through SQLAlchemy Core (the bulk equivalent of the write path: the same columns,
points from ``bot.quiz.scoring``, finished rounds with revealed questions so fair counting
counts them, one ``quiz_player`` row per member), spread evenly over the last two years so
this month and this week hold their share. The 1k run seeds the first 1,000 answers and
times the commands; the N run adds the rest to the same guild and times them again: one
process, one database, one bot. Each command runs through the stand-in (the real discord.py
client, cogs and database); time = INTERACTION_CREATE sent → reply settled, median of
``--repeats`` calls after three warm-up calls.

Database: ``DATABASE_URL`` (PostgreSQL: use an empty scratch database), else a fresh SQLite
file. Last line exactly: ``answers=… leaderboard_ms=… stats_ms=… ratio_to_1k=…``
(leaderboard_ms: the all-time page; ratio_to_1k: it divided by the 1k run's).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import random
import time
from typing import Any

from _common import bench_services, median
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.dialect import utcnow
from bot.local.driver import LocalDiscord
from bot.local.session import running_bot
from bot.quiz import scoring, totals
from bot.quiz.models import Answer, Player, QuizRound, RoundQuestion, RoundStatus

QUESTIONS = 10  # per round
PER_QUESTION = 20  # answers per question (distinct players)
TIME_LIMIT = 30
HISTORY = dt.timedelta(days=730)
BATCH = 10_000
DIFFICULTIES = ("easy", "medium", "hard")
COMMANDS = {
    "all-time": "/leaderboard",
    "month": "/leaderboard period:month",
    "week": "/leaderboard period:week",
    "stats": "/quiz stats",
}


class Seeder:
    """Seeds finished rounds, oldest first, each answered by PER_QUESTION random players per
    question; ``upto(n)`` continues until n answers exist."""

    def __init__(self, engine: AsyncEngine, guild_id: int, players: list[int], total: int,
                 seed: int = 15) -> None:
        self.engine, self.guild_id, self.players = engine, guild_id, players
        self.per_question = min(PER_QUESTION, len(players))
        self.rounds_total = max(1, -(-total // (QUESTIONS * self.per_question)))
        self.now = utcnow()
        self.rng = random.Random(seed)
        self.written = 0
        self.first_round = self.next_round = 1
        self.streaks: dict[int, int] = {}

    async def prepare(self) -> None:
        async with self.engine.connect() as conn:  # after any round already in the database
            last = (await conn.execute(select(func.max(QuizRound.id)))).scalar()
        self.first_round = self.next_round = int(last or 0) + 1
        await self.players_rows()

    async def players_rows(self) -> None:
        rows = [{"guild_id": self.guild_id, "user_id": u, "display_name": f"player {n}",
                 "updated_at": self.now} for n, u in enumerate(self.players)]
        async with self.engine.begin() as conn:
            for i in range(0, len(rows), BATCH):
                await conn.execute(insert(Player), rows[i:i + BATCH])

    async def upto(self, target: int) -> None:
        rounds: list[dict[str, Any]] = []
        questions: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []

        async def flush() -> None:
            async with self.engine.begin() as conn:  # parents first (foreign keys)
                for table, rows in ((QuizRound, rounds), (RoundQuestion, questions),
                                    (Answer, answers)):
                    if rows:
                        await conn.execute(insert(table), rows)
            rounds.clear(), questions.clear(), answers.clear()

        while self.written < target:
            round_id = self.next_round
            self.next_round += 1
            # Evenly over HISTORY, ending now: the latest rounds fall in this week and month.
            started = self.now - HISTORY * (1 - (round_id - self.first_round + 1) / self.rounds_total)
            rounds.append({"id": round_id, "guild_id": self.guild_id, "channel_id": 1,
                           "active_channel_id": None, "starter_id": self.players[0],
                           "topic": "mixed", "difficulty": None, "question_count": QUESTIONS,
                           "time_limit": TIME_LIMIT, "seed": round_id,
                           "status": RoundStatus.FINISHED.value, "end_reason": "finished",
                           "start_message_id": None, "started_at": started,
                           "ended_at": started + dt.timedelta(seconds=QUESTIONS * TIME_LIMIT)})
            self.streaks.clear()  # streak bonuses count within a round
            for index in range(QUESTIONS):
                difficulty = self.rng.choice(DIFFICULTIES)
                asked = started + dt.timedelta(seconds=index * TIME_LIMIT)
                questions.append({"round_id": round_id, "index": index,
                                  "question_id": f"bench-{index}", "difficulty": difficulty,
                                  "answer_index": 0, "payload": '{"options": ["a", "b", "c", "d"]}',
                                  "message_id": None, "asked_at": asked,
                                  "deadline": asked + dt.timedelta(seconds=TIME_LIMIT),
                                  "revealed": True})
                for user in self.rng.sample(self.players, self.per_question):
                    if self.written >= target:
                        break
                    option = self.rng.randrange(4) if self.rng.random() > 0.5 else 0
                    elapsed = self.rng.uniform(1.0, TIME_LIMIT - 1)
                    correct = option == 0
                    streak = self.streaks.get(user, 0)
                    answers.append({
                        "round_id": round_id, "question_index": index,
                        "guild_id": self.guild_id, "user_id": user, "option_index": option,
                        "correct": correct,
                        "points": scoring.points(difficulty, elapsed, TIME_LIMIT, streak)
                        if correct else 0,
                        "elapsed_ms": int(elapsed * 1000),
                        "answered_at": asked + dt.timedelta(seconds=elapsed)})
                    self.streaks[user] = streak + 1 if correct else 0
                    self.written += 1
            if len(answers) >= BATCH:
                await flush()
        await flush()

    async def fold(self) -> None:
        """The totals from the log, as the 0008 back-fill and a reset build them: the seeded
        history is what an upgraded server brings (live rounds fold at each reveal)."""
        async with self.engine.begin() as conn:
            await totals.rebuild(conn, self.guild_id)


async def measure(local: LocalDiscord, repeats: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    shown: dict[str, str] = {}
    for name, line in COMMANDS.items():
        for _ in range(3):  # warm-up: plans, caches, pool (PostgreSQL's first calls vary)
            await local.invoke(line, timeout=120)
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            exchange = await local.invoke(line, timeout=120)
            samples.append((time.perf_counter() - started) * 1000)
            assert exchange.embed, exchange.content
            # A board of the seeded players (the totals were built), not an empty one.
            assert name == "stats" or " points" in exchange.embed.get("description", ""), \
                exchange.embed
            shown[name] = exchange.embed.get("title", "") + " / " + exchange.embed.get(
                "footer", {}).get("text", "").split(" · months")[0]
        timings[name] = median(samples)
        local.standin.messages.clear()
        local.standin.interactions.clear()
        local.standin.requests.clear()
    print("# titles: " + " | ".join(f"{k}={v!r}" for k, v in shown.items()))
    return timings


def line(label: str, answers: int, t: dict[str, float], seed_s: float) -> str:
    return (f"# {label}: answers={answers} all_time_ms={t['all-time']:.1f} month_ms={t['month']:.1f} "
            f"week_ms={t['week']:.1f} stats_ms={t['stats']:.1f} seeded_in_s={seed_s:.1f}")


async def main(answers: int, players: int, repeats: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    async with bench_services() as services, running_bot(services) as local:
        engine = services.engine
        # The invoking member is player 0: /quiz stats reads a typical member's history.
        ids = [local.user.id] + [10**17 + n for n in range(1, players)]
        seeder = Seeder(engine, local.guild.id, ids, answers)
        await seeder.prepare()
        small = min(1000, answers)
        started = time.perf_counter()
        await seeder.upto(small)
        await seeder.fold()
        seed_small = time.perf_counter() - started
        at_1k = await measure(local, repeats)
        started = time.perf_counter()
        await seeder.upto(answers)
        seeded = time.perf_counter()
        await seeder.fold()
        fold_s = time.perf_counter() - seeded
        seed_big = time.perf_counter() - started
        at_n = await measure(local, repeats)
        assert not local.standin.violations, local.standin.violations
    database = (services.settings.database_url.split(":")[0])
    print(f"# database={database} players={players} repeats={repeats} "
          f"rounds={seeder.next_round - seeder.first_round} "
          f"totals_built_in_s={fold_s:.1f} "
          f"time = INTERACTION_CREATE sent → reply settled, median")
    print(line("1k", small, at_1k, seed_small))
    print(line("N", answers, at_n, seed_big))
    print(f"answers={answers} leaderboard_ms={at_n['all-time']:.1f} stats_ms={at_n['stats']:.1f} "
          f"ratio_to_1k={at_n['all-time'] / at_1k['all-time']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, required=True)
    parser.add_argument("--players", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per command")
    args = parser.parse_args()
    asyncio.run(main(args.answers, args.players, args.repeats))
