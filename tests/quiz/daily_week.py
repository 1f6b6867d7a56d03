"""A week of questions of the day on the controllable clock: posts, reveals, the streak
board. ``python -m tests.quiz.daily_week`` prints it (a temporary SQLite database, the real
selector, scheduler and answer path); tests/quiz/test_daily.py runs it too.

The week: 09:00 UTC, open 20 h. Alice answers right every day; Bob skips Thursday; Carol
answers wrong on Tuesday; on Friday the bot restarts 08:50–11:20, so that day's question is
posted late (once) by the new process."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.db import migrate
from bot.db.engine import create_engine
from bot.quiz import daily
from bot.quiz.admin import Actor
from tests.quiz.test_daily import ALICE, BOB, CAROL, CHANNEL, GUILD, MOD, Bot, ManualClock

NAMES = {ALICE: "alice", BOB: "bob", CAROL: "carol"}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


async def week(out: list[str]) -> dict[int, tuple[int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'week.db'}")
        await migrate.upgrade(engine)
        from tests.quiz.test_daily import DAY1
        clock = ManualClock(DAY1)
        clock.set(1, "08:00")
        await daily.set_schedule(engine, Actor(GUILD, MOD), channel_id=CHANNEL,
                                 post_time="09:00", open_hours=20, now=clock.now())
        bot = Bot(engine, clock, name="process-1")
        for n, name in enumerate(DAYS, 1):
            if name == "Fri":  # the restart: the old process is gone before 09:00
                await bot.close()
                bot = Bot(engine, clock, name="process-2")
                clock.set(n, "11:20")
            else:
                clock.set(n, "09:00")
            posted, _ = await bot.scheduler.tick()
            for q in posted:
                late = f" LATE (due {q.due_at:%H:%M})" if q.late else ""
                out.append(f"{name} {clock.now():%Y-%m-%d %H:%M} POST{late} {q.question.id}: "
                           f"{q.question.text}")
            (question,) = posted
            clock.set(n, "12:00")
            for user in (ALICE, BOB, CAROL):
                if user == BOB and name == "Thu":
                    continue
                right = not (user == CAROL and name == "Tue")
                await bot.answer(question, user, right)
            clock.set(n + 1, "05:00", 11)
            _, closed = await bot.scheduler.tick()
            for r in closed:
                q = r.daily.question
                who = ", ".join(f"{NAMES[x.user_id]} +{x.points} ({x.streak} in a row)"
                                for x in r.right) or "nobody"
                out.append(f"    {clock.now():%Y-%m-%d %H:%M} REVEAL {q.answer!r}: "
                           f"{r.answered} answered; right: {who}")
        board = await daily.streak_board(engine, GUILD)
        out.append("Daily streak board (current, best):")
        for user, _name, current, best in board:
            out.append(f"    {NAMES[user]:6} {current} days in a row (best {best})")
        await bot.close()
        await engine.dispose()
        return {u: (c, b) for u, _, c, b in board}


def main() -> int:
    out: list[str] = []
    asyncio.run(week(out))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
