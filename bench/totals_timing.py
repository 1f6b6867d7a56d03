"""Time the leaderboard and ``/quiz stats`` core reads against the size of the answer log.

    .venv/bin/python bench/totals_timing.py --answers 1000 1000000 [--players 2000]

For each size: a fresh SQLite file (or ``DATABASE_URL``), N answers of finished rounds bulk
inserted into the log over 400 days, the totals built from the log by ``totals.rebuild`` (the
bulk path the 0008 back-fill takes), then the median of 20 calls of ``leaderboard()`` (all-time
page 1 and a middle page, month, week) and ``player_stats()``. The core functions only: the
Discord round trip is bench/leaderboard_scale.py's business.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bot.db import migrate
from bot.db.engine import create_engine
from bot.quiz import totals
from bot.quiz.leaderboard import leaderboard, player_stats
from bot.quiz.models import Answer, Player, QuizRound, RoundQuestion

GUILD = 1_000_000_000_000_000_001
QUESTIONS = 10


async def seed(engine: sa.ext.asyncio.AsyncEngine, answers: int, players: int) -> None:
    rng = random.Random(1)
    now = dt.datetime.now(dt.UTC)
    per_round = QUESTIONS * players
    rounds = max(1, -(-answers // per_round))
    async with engine.begin() as conn:
        await conn.execute(sa.insert(Player), [
            {"guild_id": GUILD, "user_id": u, "display_name": f"player{u}", "updated_at": now}
            for u in range(1, players + 1)])
        for r in range(1, rounds + 1):
            started = now - dt.timedelta(days=400 * (rounds - r) / rounds, minutes=10)
            await conn.execute(sa.insert(QuizRound).values(
                id=r, guild_id=GUILD, channel_id=1, starter_id=1, topic="mixed",
                question_count=QUESTIONS, time_limit=20, seed=r, status="finished",
                started_at=started, ended_at=started))
    written = 0
    batch: list[dict[str, object]] = []
    for r in range(1, rounds + 1):
        started = now - dt.timedelta(days=400 * (rounds - r) / rounds, minutes=10)
        for q in range(QUESTIONS):
            for u in range(1, players + 1):
                if written >= answers:
                    break
                right = rng.random() < 0.6
                batch.append({"round_id": r, "question_index": q, "guild_id": GUILD,
                              "user_id": u, "option_index": 1, "correct": right,
                              "points": rng.randint(100, 200) if right else 0,
                              "elapsed_ms": 1000,
                              "answered_at": started + dt.timedelta(seconds=30 * q)})
                written += 1
                if len(batch) == 20_000:
                    async with engine.begin() as conn:
                        await conn.execute(sa.insert(Answer), batch)
                    batch = []
    if batch:
        async with engine.begin() as conn:
            await conn.execute(sa.insert(Answer), batch)


async def timed(call: object, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


async def reveal_fold(engine: sa.ext.asyncio.AsyncEngine, players: int) -> float:
    """One question answered by every player, revealed: the fold's share of the reveal."""
    now = dt.datetime.now(dt.UTC)
    async with engine.begin() as conn:
        round_id = int((await conn.execute(sa.insert(QuizRound).values(
            guild_id=GUILD, channel_id=2, starter_id=1, topic="mixed", question_count=1,
            time_limit=20, seed=0, status="running", started_at=now)
            .returning(sa.inspect(QuizRound).c.id))).scalar_one())
        await conn.execute(sa.insert(RoundQuestion).values(
            round_id=round_id, index=0, question_id="q", difficulty="easy", answer_index=1,
            payload="{}", asked_at=now, deadline=now, revealed=False))
        await conn.execute(sa.insert(Answer), [
            {"round_id": round_id, "question_index": 0, "guild_id": GUILD, "user_id": u,
             "option_index": 1, "correct": u % 2 == 0, "points": 150 if u % 2 == 0 else 0,
             "elapsed_ms": 1000, "answered_at": now} for u in range(1, players + 1)])
    start = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(sa.update(RoundQuestion).where(
            sa.inspect(RoundQuestion).c.round_id == round_id).values(revealed=True))
        await totals.tally(conn, round_id)
    return (time.perf_counter() - start) * 1000


async def measure(url: str, answers: int, players: int) -> dict[str, float]:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        start = time.perf_counter()
        await seed(engine, answers, players)
        seeded = time.perf_counter() - start
        start = time.perf_counter()
        async with engine.begin() as conn:
            await totals.rebuild(conn, GUILD)
        built = time.perf_counter() - start
        middle = max(1, (await leaderboard(engine, GUILD)).pages // 2)
        await timed(lambda: leaderboard(engine, GUILD), 5)  # warm: the seed left a large WAL
        out = {
            "seed_s": seeded, "build_s": built,
            "all_time_ms": await timed(lambda: leaderboard(engine, GUILD)),
            "all_time_mid_page_ms": await timed(lambda: leaderboard(engine, GUILD, page=middle)),
            "month_ms": await timed(lambda: leaderboard(engine, GUILD, "month")),
            "week_ms": await timed(lambda: leaderboard(engine, GUILD, "week")),
            "stats_ms": await timed(lambda: player_stats(engine, GUILD, players // 2)),
        }
        out["reveal_fold_ms"] = await reveal_fold(engine, players)
        start = time.perf_counter()
        differences = await totals.check(engine)
        out["check_s"] = time.perf_counter() - start
        assert differences == [], differences[:3]
        return out
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, nargs="+", default=[1000, 1_000_000])
    parser.add_argument("--players", type=int, default=2000)
    args = parser.parse_args()
    base: dict[str, float] | None = None
    for n in args.answers:
        with tempfile.TemporaryDirectory(prefix="factquiz-totals-") as tmp:
            result = await measure(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", n,
                                   args.players)
        base = base or result
        board = max(result["all_time_ms"], result["month_ms"], result["week_ms"])
        print(f"answers={n} players={args.players} "
              + " ".join(f"{k}={v:.1f}" for k, v in result.items())
              + f" ratio_to_first={board / max(base['all_time_ms'], base['month_ms'], base['week_ms']):.2f}",
              flush=True)


if __name__ == "__main__":
    asyncio.run(main())
