"""Quiz load: R concurrent rounds in R channels, P players each, every player clicking once
per question within the same second (``--spread S``: within S seconds), against the
configured database (``DATABASE_URL``, else the default SQLite file).

Two processes, as in production: the bot runs as ``python -m bot`` (its own event loop and
core), connected to a local stand-in that this process runs together with the simulated
players. Ack latency is measured by the stand-in: INTERACTION_CREATE sent → the "locked in"
reply received. Event-loop lag is the bot's own, read from its Prometheus endpoint (the
``factquiz_event_loop_lag_seconds`` histogram over the click phase, interpolated as
Prometheus' ``histogram_quantile`` does).

``--floor`` runs the bot with a benchmark-only bare button besides (bench/floor_bot.py: the
same process, cogs and loop) and, before each question's real clicks, the same number of
clicks on it, spread alike: its ``bot_cpu_ms_per_click`` is what discord.py itself costs,
printed on a comment line with the real clicks' figure and their ratio.

Last line, exactly: ``clicks=… recorded=… doubles=… ack_p50_ms=… ack_p99_ms=… loop_lag_p99_ms=…``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import logging
import random
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
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

FLOOR_BOT = Path(__file__).with_name("floor_bot.py")
WARM_UP = 5.0  # the bot draws its default pictures after connecting


def open_questions(standin: StandIn, index: int) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for message in list(standin.messages.values()):
        items = buttons(message)
        if items and not items[0].get("disabled") and items[0]["custom_id"].startswith("quiz:") \
                and items[0]["custom_id"].split(":")[2] == str(index):
            found[int(message["channel_id"])] = message
    return found


@dataclass
class Phase:
    """One kind of click over the whole run: what it cost the bot and how fast it was acked."""

    exchanges: list[Exchange] = field(default_factory=list)
    wall: float = 0.0
    bot_cpu: float = 0.0
    loop_cpu: float = 0.0  # the bot's main thread: its event loop
    own_cpu: float = 0.0
    message_bytes: int = 0  # the clicked message's JSON: discord.py parses it on every click

    def acks(self) -> list[float]:
        # A receipt that never came counts as infinitely late: percentiles cover every click.
        return [e.latency * 1000 if e.latency is not None else float("inf")
                for e in self.exchanges]

    def cpu_ms_per_click(self, cpu: float | None = None) -> float:
        return 1000 * (self.bot_cpu if cpu is None else cpu) / max(len(self.exchanges), 1)


async def click_phase(local: LocalDiscord, bot_pid: int, targets: dict[int, dict[str, Any]],
                      channels: list[Any], members: list[Any], spread: float,
                      phase: Phase) -> None:
    """Every member clicks once on the message of every channel, in random order, evenly
    spread over ``spread`` seconds; waits for the receipts."""
    cpu_before = (cpu_seconds(bot_pid), time.process_time(), time.perf_counter(),
                  cpu_seconds(bot_pid, bot_pid))
    clicks = [(targets[c.id], m) for c in channels for m in members]
    phase.message_bytes = max(len(json.dumps(targets[c.id])) for c in channels)
    random.shuffle(clicks)
    started = time.perf_counter()
    sent = []
    for n, (message, member) in enumerate(clicks):
        delay = started + spread * n / len(clicks) - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        # An answer button, never the 50/50 beside them (custom_id quiz5050:…).
        answers = [n for n, b in enumerate(buttons(message))
                   if not b["custom_id"].startswith("quiz5050:")]
        sent.append(await local.click(message, index=random.choice(answers), user=member,
                                      wait=False))
    await settle(sent)
    phase.exchanges += sent
    phase.bot_cpu += cpu_seconds(bot_pid) - cpu_before[0]
    phase.loop_cpu += cpu_seconds(bot_pid, bot_pid) - cpu_before[3]
    phase.own_cpu += time.process_time() - cpu_before[1]
    phase.wall += time.perf_counter() - cpu_before[2]


@contextlib.asynccontextmanager
async def profiled(pid: int, out: Path | None) -> AsyncIterator[None]:
    """py-spy sampling the bot over the real clicks, when asked (``--profile FILE``: collapsed
    stacks, one line per stack, for a flame graph or a grep). Its own CPU is not the bot's."""
    if out is None:
        yield
        return
    spy = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--rate",
        "250", "--gil", "--format", "raw", "--output", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    await asyncio.sleep(1.0)  # attached
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        await spy.wait()


async def main(rounds: int, players: int, questions: int, time_limit: int, spread: float,
               floor: bool, loop: str, profile: Path | None) -> None:
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
    env = {"FACTQUIZ_UVLOOP": "0"} if loop == "asyncio" else {}
    # What the bot runs on (it logs it at INFO; the bench runs it at WARNING).
    loop = "uvloop" if loop == "auto" and importlib.util.find_spec("uvloop") else "asyncio"
    script = FLOOR_BOT if floor else None  # without --floor: exactly ``python -m bot``
    async with bot_subprocess(standin, url, guild.id, script=script, **env) as (bot, port, log):
        await asyncio.sleep(WARM_UP)  # the bot draws its default pictures after connecting
        local = LocalDiscord(standin, guild, channels[0], standin.add_user("host"))
        members = [local.member(f"player{i}") for i in range(players)]
        floors: dict[int, dict[str, Any]] = {}
        if floor:  # one message of bare buttons per channel, next to its round
            for c in channels:
                posted = await local.invoke("/floor", user=members[0], channel=c)
                assert posted.message is not None, posted.content
                floors[c.id] = posted.message
        starts: list[Exchange] = []
        # One host per channel: a member may run only a couple of rounds at once.
        hosts = {c.id: local.member(f"host{i}") for i, c in enumerate(channels)}
        # Rounds start over a few seconds, not all at once; the first alone, as its question
        # pool is built cold (that start can block the loop for a second on a busy machine).
        for lo, hi in [(0, 1), *((c, c + 10) for c in range(1, rounds, 10))]:
            batch = [await local.invoke(f"/quiz start questions:{max(questions, 5)}",
                                        user=hosts[c.id], channel=c, wait=False)
                     for c in channels[lo:hi]]
            # A start answered after 3 s on a busy machine still starts its round (its
            # question is awaited below): counted, not fatal.
            await wait_until(lambda b=batch: all(s.answered or s.violations for s in b), 60,
                             "the rounds to start")
            starts += batch
        assert not any(s.ephemeral for s in starts), [s.content for s in starts if s.ephemeral]
        real, bare = Phase(), Phase()
        lag_before = lag_buckets(port)
        lag_after: dict[float, float] = {}
        for index in range(questions):
            await wait_until(lambda i=index: len(open_questions(standin, i)) == rounds, 120,
                             f"question {index + 1} in every channel")
            shown = open_questions(standin, index)
            if floor:
                # The floor first, while the question is open: the same rounds are running,
                # and the real clicks' after-work (receipts, writes) cannot leak into it.
                async with profiled(bot.pid, profile and profile.with_suffix(".floor.txt")):
                    await click_phase(local, bot.pid, floors, channels, members, spread, bare)
                lag_before = lag_buckets(port) if index == 0 else lag_before
            async with profiled(bot.pid, profile):
                await click_phase(local, bot.pid, shown, channels, members, spread, real)
            lag_after = lag_buckets(port)
        # Loop lag covers the real clicks (and, from question 2, the floor's): scraped
        # around them, so the warm-up and the rounds' start stay out.
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
    exchanges = real.exchanges
    acks = real.acks()
    missing = sum(1 for e in exchanges if e.latency is None)  # dropped by the bot as too late
    refused = sum(1 for e in exchanges if e.latency is not None and not e.answered)  # > 3 s
    locked = sum(1 for e in exchanges if e.content.startswith("🔒"))
    lag = histogram_quantile(0.99, lag_before, lag_after) * 1000
    print(f"# click phase: wall_s={real.wall:.2f} bot_cpu_s={real.bot_cpu:.2f} "
          f"players_and_standin_cpu_s={real.own_cpu:.2f} "
          f"bot_cpu_ms_per_click={real.cpu_ms_per_click():.3f} "
          f"of_which_loop_thread={real.cpu_ms_per_click(real.loop_cpu):.3f}")
    print(f"# rounds={rounds} players={players} questions={questions} spread_s={spread:g} "
          f"late_starts={sum(1 for s in starts if s.violations)} "
          f"locked_in={locked} receipts_dropped_as_late={missing} receipts_after_3s={refused} "
          f"bot_exit={bot.returncode} database={url.split(':')[0]} event_loop={loop} "
          f"bot_log={log}")
    if floor:
        floor_acks = bare.acks()
        print(f"# floor (bare button, type 6 only): clicks={len(bare.exchanges)} "
              f"unanswered={sum(1 for e in bare.exchanges if e.latency is None)} "
              f"ack_p50_ms={percentile(floor_acks, 50):.1f} "
              f"ack_p99_ms={percentile(floor_acks, 99):.1f} wall_s={bare.wall:.2f} "
              f"message_bytes={bare.message_bytes} (real: {real.message_bytes}) "
              f"bot_cpu_s={bare.bot_cpu:.2f} floor_bot_cpu_ms_per_click={bare.cpu_ms_per_click():.3f} "
              f"of_which_loop_thread={bare.cpu_ms_per_click(bare.loop_cpu):.3f} "
              f"bot_cpu_ms_per_click={real.cpu_ms_per_click():.3f} "
              f"ratio_to_floor={real.cpu_ms_per_click() / max(bare.cpu_ms_per_click(), 1e-9):.2f}")
    print(f"clicks={len(exchanges)} recorded={recorded} doubles={doubles} "
          f"ack_p50_ms={percentile(acks, 50):.1f} ack_p99_ms={percentile(acks, 99):.1f} "
          f"loop_lag_p99_ms={lag:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--players", type=int, required=True)
    parser.add_argument("--questions", type=int, default=1)
    parser.add_argument("--time-limit", type=int, default=180,
                        help="seconds per question (long enough for every click to land: a "
                             "thousand rounds start over a minute, the first question stays "
                             "open until the last round's clicks are in)")
    parser.add_argument("--spread", type=float, default=1.0,
                        help="seconds over which each question's clicks are spread (default 1)")
    parser.add_argument("--floor", action="store_true",
                        help="also click a bare button that only acknowledges (the floor), in "
                             "the same bot process, before each question's real clicks")
    parser.add_argument("--loop", choices=("auto", "asyncio"), default="auto",
                        help="the bot's event loop: uvloop when installed (auto), or asyncio's")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="sample the bot with py-spy over the real clicks (pip install "
                             "py-spy) into FILE, as collapsed stacks (the last question's); the "
                             "floor's into FILE with the suffix .floor.txt")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.players, args.questions, args.time_limit, args.spread,
                     args.floor, args.loop, args.profile))
