"""Quiz load: R concurrent rounds in R channels, P players each, every player clicking once
per question within the same second, against the configured database (``DATABASE_URL``,
else the default SQLite file).

Two processes, as in production: the bot runs as ``python -m bot`` (its own event loop and
core), connected to a local stand-in that this process runs together with the simulated
players. Ack latency is measured by the stand-in: INTERACTION_CREATE sent → the "locked in"
reply received. Event-loop lag is the bot's own, read from its Prometheus endpoint (the
``factquiz_event_loop_lag_seconds`` histogram over the click phase, interpolated as
Prometheus' ``histogram_quantile`` does).

Last line, exactly: ``clicks=… recorded=… doubles=… ack_p50_ms=… ack_p99_ms=… loop_lag_p99_ms=…``
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from typing import Any

import sqlalchemy as sa
from _common import (
    bot_subprocess,
    cpu_seconds,
    histogram_quantile,
    lag_buckets,
    percentile,
    settle,
    wait_until,
)

from bot.db.engine import create_engine
from bot.db.migrate import upgrade
from bot.local.driver import Exchange, LocalDiscord, buttons
from bot.local.standin import StandIn
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.settings import Settings

WARM_UP = 5.0  # the bot draws its default pictures after connecting


def open_questions(standin: StandIn, index: int) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for message in list(standin.messages.values()):
        items = buttons(message)
        if items and not items[0].get("disabled") and \
                items[0]["custom_id"].split(":")[2] == str(index):
            found[int(message["channel_id"])] = message
    return found


async def main(rounds: int, players: int, questions: int, time_limit: int) -> None:
    logging.basicConfig(level=logging.CRITICAL)
    url = Settings.load().database_url
    engine = create_engine(url)
    await upgrade(engine)
    standin = StandIn()
    await standin.start()
    guild = standin.add_guild("load", channels=tuple(f"quiz-{i}" for i in range(rounds)))
    channels = list(guild.channels.values())
    await config.save_config(engine, guild.id, QuizConfig(
        time_limit=time_limit, default_questions=max(questions, 5), reveal_pictures=False))
    async with bot_subprocess(standin, url, guild.id) as (bot, port, log):
        await asyncio.sleep(WARM_UP)  # the bot draws its default pictures after connecting
        local = LocalDiscord(standin, guild, channels[0], standin.add_user("host"))
        members = [local.member(f"player{i}") for i in range(players)]
        starts: list[Exchange] = []
        for chunk in range(0, rounds, 50):  # rounds start over a few seconds, not all at once
            batch = [await local.invoke(f"/quiz start questions:{max(questions, 5)}",
                                        user=members[0], channel=c, wait=False)
                     for c in channels[chunk:chunk + 50]]
            await asyncio.gather(*(s.wait(60) for s in batch))
            starts += batch
        assert not any(s.ephemeral for s in starts), [s.content for s in starts if s.ephemeral]
        exchanges: list[Exchange] = []
        before = lag_buckets(port)
        wall = bot_cpu = own_cpu = 0.0
        for index in range(questions):
            await wait_until(lambda i=index: len(open_questions(standin, i)) == rounds, 120,
                             f"question {index + 1} in every channel")
            shown = open_questions(standin, index)
            cpu_before = (cpu_seconds(bot.pid), time.process_time(), time.perf_counter())
            clicks = [(shown[c.id], m) for c in channels for m in members]
            random.shuffle(clicks)
            started = time.perf_counter()
            sent = []
            for n, (message, member) in enumerate(clicks):
                delay = started + n / len(clicks) - time.perf_counter()  # spread over 1 s
                if delay > 0:
                    await asyncio.sleep(delay)
                option = random.randrange(len(buttons(message)))
                sent.append(await local.click(message, index=option, user=member, wait=False))
            await settle(sent)
            exchanges += sent
            bot_cpu += cpu_seconds(bot.pid) - cpu_before[0]
            own_cpu += time.process_time() - cpu_before[1]
            wall += time.perf_counter() - cpu_before[2]
        after = lag_buckets(port)
    # Leaving the block stops the bot with SIGTERM: its graceful shutdown ends the rounds.
    await standin.stop()
    async with engine.connect() as conn:
        recorded = (await conn.execute(sa.text(
            "SELECT count(*) FROM quiz_answer WHERE guild_id = :g"), {"g": guild.id})).scalar_one()
        doubles = (await conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT round_id, question_index, user_id FROM quiz_answer "
            "WHERE guild_id = :g GROUP BY round_id, question_index, user_id "
            "HAVING count(*) > 1) d"), {"g": guild.id})).scalar_one()
    await engine.dispose()
    # A receipt that never came counts as infinitely late: percentiles cover every click.
    acks = [e.latency * 1000 if e.latency is not None else float("inf") for e in exchanges]
    missing = sum(1 for e in exchanges if e.latency is None)  # dropped by the bot as too late
    refused = sum(1 for e in exchanges if e.latency is not None and not e.answered)  # > 3 s
    locked = sum(1 for e in exchanges if e.content.startswith("🔒"))
    lag = histogram_quantile(0.99, before, after) * 1000
    print(f"# click phase: wall_s={wall:.2f} bot_cpu_s={bot_cpu:.2f} "
          f"players_and_standin_cpu_s={own_cpu:.2f} "
          f"bot_cpu_ms_per_click={1000 * bot_cpu / max(len(exchanges), 1):.3f}")
    print(f"# rounds={rounds} players={players} questions={questions} locked_in={locked} "
          f"receipts_dropped_as_late={missing} receipts_after_3s={refused} "
          f"bot_exit={bot.returncode} database={url.split(':')[0]} bot_log={log}")
    print(f"clicks={len(exchanges)} recorded={recorded} doubles={doubles} "
          f"ack_p50_ms={percentile(acks, 50):.1f} ack_p99_ms={percentile(acks, 99):.1f} "
          f"loop_lag_p99_ms={lag:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--players", type=int, required=True)
    parser.add_argument("--questions", type=int, default=1)
    parser.add_argument("--time-limit", type=int, default=60,
                        help="seconds per question (long enough for every click to land)")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.players, args.questions, args.time_limit))
