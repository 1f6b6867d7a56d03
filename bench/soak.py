"""Soak: simulated servers play quiz rounds and ask facts for M minutes, against the bot as
its own process (``python -m bot``) on the configured database, all on 127.0.0.1.

Every channel plays round after round (real 10-second questions, most players answering at
random moments, pictures in the reveals); meanwhile members ask facts at random — years,
countries by name, alias, code or typo, summaries, lists with paging, maps, leaderboards,
stats, autocomplete. Errors are interactions without an answer in time, replies Discord
would refuse, apologies (the bot's unexpected-error reply), and ERROR lines in the bot's log.

RSS is the bot process's resident memory, sampled every 10 s; ``rss_start_mb`` is taken once
the warm-up (imports, caches, the first pictures) is over. Loop lag is the bot's own
``factquiz_event_loop_lag_seconds`` histogram over the measured period.

The render worker (the bot's child processes: matplotlib lives there, not in the bot) is
sampled alongside and reported on its own line. After the soak, a **flood**: one server asks
``FLOOD`` charts of distinct spans at once (each a real render in the worker) while another
server plays a round whose ``FLOOD_PLAYERS`` members click throughout; the flood line gives
those clicks' ack latency (INTERACTION_CREATE sent → "locked in" received), so renders are
seen not to reach click handling.

Last line, exactly: ``interactions=… errors=… rss_start_mb=… rss_end_mb=… loop_lag_p99_ms=…``
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from pathlib import Path
from typing import Any

from _common import bot_subprocess, histogram_quantile, lag_buckets, percentile

from bot.app import APOLOGY
from bot.db.engine import create_engine
from bot.db.migrate import upgrade
from bot.local.driver import Exchange, LocalDiscord, NoAnswer, buttons
from bot.local.standin import StandIn
from bot.local.standin.invocation import OptionRefused
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.settings import Settings

SERVERS, CHANNELS, PLAYERS = 3, 2, 6
FACT_RATE = 4.0  # fact commands per second, all servers together
FLOOD, FLOOD_ASKERS, FLOOD_PLAYERS = 250, 250, 30  # one chart per asker: a member's pictures have a cooldown
COUNTRIES = ["France", "UK", "usa", "Ivory Coast", "Czechia", "Türkiye", "DRC", "Burma",
             "Brazl", "Germny", "Japan", "Saudi Arabia", "Palestine", "Taiwan", "Korea",
             "Holy See", "Belize", "Mexico", "Spain", "xyzzy"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children_rss_mb(pid: int) -> float:
    """The bot's child processes together: the render worker (and multiprocessing's helper)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return float("nan")
    return sum(rss_mb(int(kid)) for kid in kids if Path(f"/proc/{kid}").exists())


class Soak:
    def __init__(self, standin: StandIn, deadline: float) -> None:
        self.standin = standin
        self.deadline = deadline
        self.interactions = 0
        self.errors: list[str] = []

    def alive(self) -> bool:
        return time.monotonic() < self.deadline

    async def act(self, exchange_or_refusal: Any) -> Exchange | None:
        """Wait for an interaction's answer and judge it."""
        self.interactions += 1
        try:
            exchange: Exchange = await exchange_or_refusal
            await exchange.wait(15)
        except OptionRefused as exc:  # the simulation only sends what Discord's client sends
            self.errors.append(f"refused by the client: {exc}")
            return None
        except (NoAnswer, AssertionError) as exc:
            self.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            return None
        if APOLOGY in exchange.text:
            self.errors.append(f"apology for interaction {exchange.interaction.id}")
        return exchange

    async def rounds(self, local: LocalDiscord, channel: Any, members: list[Any]) -> None:
        while self.alive():
            starter = random.choice(members)
            start = await self.act(local.invoke("/quiz start questions:5", user=starter,
                                                channel=channel, wait=False))
            if start is None or start.ephemeral:
                await asyncio.sleep(5)
                continue
            first_id = int(start.message["id"]) if start.message else 0
            for index in range(5):
                try:
                    question = await local.wait_for_message(
                        lambda m, i=index, after=first_id: int(m["id"]) > after and
                        m["channel_id"] == str(channel.id) and _open_question(m, i),
                        timeout=30)
                except NoAnswer:
                    self.errors.append(f"question {index + 1} never appeared in #{channel.name}")
                    break
                clicks = [self.click_later(local, question, m) for m in members
                          if random.random() < 0.8]
                await asyncio.gather(*clicks)
                await local.wait_for_message(
                    lambda m, q=question["id"]: m["id"] == q and
                    all(b.get("disabled") for b in buttons(m)), timeout=30)
            await asyncio.sleep(random.uniform(1, 5))

    async def click_later(self, local: LocalDiscord, question: dict[str, Any], member: Any) -> None:
        await asyncio.sleep(random.uniform(0, 7))  # time limit 10 s
        await self.act(local.click(question, index=random.randrange(len(buttons(question))),
                                   user=member, wait=False))

    async def facts(self, servers: list[tuple[LocalDiscord, list[Any]]]) -> None:
        pending: set[asyncio.Task[Any]] = set()
        while self.alive():
            await asyncio.sleep(random.expovariate(FACT_RATE))
            local, members = random.choice(servers)
            task = asyncio.create_task(self.fact(local, random.choice(members)))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)

    async def fact(self, local: LocalDiscord, member: Any) -> None:
        kind = random.random()
        if kind < 0.05:  # a list, then its next page
            exchange = await self.act(local.invoke(
                f"/recognition list status:{random.choice(['both', 'israel_only'])}",
                user=member, wait=False))
            if exchange is not None and exchange.message and buttons(exchange.message):
                await self.act(local.click(exchange.message, label="Next ▶", user=member,
                                           wait=False))
            return
        if kind < 0.08:
            choices = await self.autocomplete(local, member)
            self.interactions += 1
            if not choices:
                self.errors.append("autocomplete returned nothing")
            return
        line = random.choice([
            f"/defectors year:{random.randint(1995, 2027)}", "/defectors",
            f"/defectors year:{random.randint(2002, 2015)} to_year:{random.randint(2016, 2025)}",
            f"/recognition country country:{random.choice(COUNTRIES)}",
            f"/recognition country country:{random.choice(COUNTRIES)} as_of:2024-06-01",
            "/recognition summary", "/recognition summary as_of:2023-11-14",
            f"/recognition map as_of:{random.choice(['2023-11-14', '2024-06-01', '2025-12-31'])}",
            "/leaderboard", "/leaderboard period:week", "/quiz stats", "/about",
        ])
        await self.act(local.invoke(line, user=member, wait=False))

    async def autocomplete(self, local: LocalDiscord, member: Any) -> list[Any]:
        # A prefix of a real name: autocomplete must offer something (the nonsense name is
        # for the command itself, which must explain; an empty suggestion list is fine there).
        typed = random.choice([c for c in COUNTRIES if c != "xyzzy"])[: random.randint(1, 6)]
        try:
            return await local.autocomplete(f"/recognition country country:{typed}",
                                            "country", user=member)
        except (NoAnswer, AssertionError) as exc:
            self.errors.append(f"autocomplete: {exc}")
            return [None]


async def flood(flooder: LocalDiscord, players: LocalDiscord) -> str:
    """FLOOD distinct charts from one server while another server's round is clicked."""
    spans = [(a, b) for a in range(2002, 2026) for b in range(a + 1, 2026)]
    random.shuffle(spans)
    askers = [flooder.member(f"flooder{n}") for n in range(FLOOD_ASKERS)]
    members = [players.member(f"clicker{n}") for n in range(FLOOD_PLAYERS)]
    channel = list(players.guild.channels.values())[-1]
    start = await players.invoke("/quiz start questions:5", user=members[0], channel=channel,
                                 timeout=30)
    assert start.message is not None, start.content
    assert not start.ephemeral, start.content
    started = time.perf_counter()
    asked = [await flooder.invoke(f"/defectors year:{a} to_year:{b}",
                                  user=askers[n % FLOOD_ASKERS], wait=False)
             for n, (a, b) in enumerate(spans[:FLOOD])]
    renders = asyncio.gather(*(e.wait(600) for e in asked), return_exceptions=True)
    clicks: list[Exchange] = []
    during: list[Exchange] = []  # sent while charts were still being drawn
    first_id = int(start.message["id"])

    async def click(question: dict[str, Any], member: Any) -> None:
        await asyncio.sleep(random.uniform(0, 7))
        answers = [n for n, b in enumerate(buttons(question))
                   if not b["custom_id"].startswith("quiz5050:")]
        flooding = not renders.done()
        clicks.append(await players.click(question, index=random.choice(answers), user=member,
                                          wait=False))
        if flooding:
            during.append(clicks[-1])

    for index in range(5):
        question = await players.wait_for_message(
            lambda m, i=index: int(m["id"]) >= first_id and m["channel_id"] == str(channel.id)
            and _open_question(m, i), timeout=120)
        await asyncio.gather(*(click(question, m) for m in members))
    await asyncio.gather(*(e.wait(15) for e in clicks), return_exceptions=True)
    outcome = await renders
    took = time.perf_counter() - started
    pictures = sum(1 for e in asked if e.message and e.message.get("attachments"))

    def acks(exchanges: list[Exchange]) -> list[float]:
        return [e.latency * 1000 if e.latency is not None else float("inf") for e in exchanges]

    return (f"# flood: charts_asked={FLOOD} with_picture={pictures} "
            f"failed={sum(1 for o in outcome if isinstance(o, BaseException))} took_s={took:.1f} "
            f"other_server_clicks={len(clicks)} during_flood={len(during)} "
            f"ack_p50_ms={percentile(acks(during), 50):.1f} "
            f"ack_p99_ms={percentile(acks(during), 99):.1f} ack_max_ms={max(acks(during)):.1f} "
            f"(all clicks: p99 {percentile(acks(clicks), 99):.1f})")


def _open_question(message: dict[str, Any], index: int) -> bool:
    found = buttons(message)
    return bool(found) and not found[0].get("disabled") and \
        found[0]["custom_id"].startswith("quiz:") and \
        found[0]["custom_id"].split(":")[2] == str(index)


async def main(minutes: float, warm_up: float) -> None:
    logging.basicConfig(level=logging.CRITICAL)
    url = Settings.load().database_url
    engine = create_engine(url)
    await upgrade(engine)
    standin = StandIn()
    await standin.start()
    guilds = [standin.add_guild(f"soak-{i}", channels=tuple(f"quiz-{c}" for c in range(CHANNELS)))
              for i in range(SERVERS)]
    for guild in guilds:
        await config.save_config(engine, guild.id, QuizConfig(time_limit=10, default_questions=5))
    await engine.dispose()
    async with bot_subprocess(standin, url) as (bot, port, log):  # commands synced globally
        servers = []
        for i, guild in enumerate(guilds):
            channels = list(guild.channels.values())
            local = LocalDiscord(standin, guild, channels[0], standin.add_user(f"owner{i}"))
            servers.append((local, [local.member(f"s{i}p{p}") for p in range(PLAYERS)]))
        soak = Soak(standin, time.monotonic() + warm_up + minutes * 60)
        work = [asyncio.create_task(soak.facts(servers))]
        work += [asyncio.create_task(soak.rounds(local, channel, members))
                 for local, members in servers for channel in local.guild.channels.values()]
        await asyncio.sleep(warm_up)
        rss_start, lag_before = rss_mb(bot.pid), lag_buckets(port)
        samples, worker = [rss_start], [children_rss_mb(bot.pid)]
        while soak.alive():
            await asyncio.sleep(10)
            samples.append(rss_mb(bot.pid))
            worker.append(children_rss_mb(bot.pid))
            standin.prune()
        await asyncio.gather(*work)
        rss_end, lag_after = rss_mb(bot.pid), lag_buckets(port)
        flooded = await flood(servers[0][0], servers[1][0])
        worker.append(children_rss_mb(bot.pid))
        rss_after_flood = rss_mb(bot.pid)
    await standin.stop()
    log_errors = [line for line in log.read_text().splitlines() if " ERROR " in line or
                  "Traceback" in line]
    errors = len(soak.errors) + len(log_errors) + len(standin.violations)
    print(f"# minutes={minutes} servers={SERVERS} channels={SERVERS * CHANNELS} "
          f"players={SERVERS * PLAYERS} database={url.split(':')[0]} bot_log={log} "
          f"rss_samples_mb=min {min(samples):.1f} max {max(samples):.1f} "
          f"growth={100 * (rss_end - rss_start) / rss_start:+.1f}%")
    print(f"# render_worker (the bot's child processes) rss_mb: start {worker[0]:.1f} "
          f"max {max(worker):.1f} end {worker[-1]:.1f}; the bot after the flood "
          f"{rss_after_flood:.1f}")
    print(flooded)
    for problem in (soak.errors + log_errors)[:10]:
        print(f"# error: {problem}")
    print(f"interactions={soak.interactions} errors={errors} rss_start_mb={rss_start:.1f} "
          f"rss_end_mb={rss_end:.1f} "
          f"loop_lag_p99_ms={1000 * histogram_quantile(0.99, lag_before, lag_after):.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--warm-up", type=float, default=60.0,
                        help="seconds of play before RSS and loop lag are first measured")
    args = parser.parse_args()
    asyncio.run(main(args.minutes, args.warm_up))
