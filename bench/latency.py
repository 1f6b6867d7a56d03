"""Interaction latency of every command next to the bare floor, measured in one run.

The floor is a trivial ``/ping`` that only this benchmark registers: the same stand-in, the
same discord.py client and HTTP round trip, with no work in the command. Latency is the
time from INTERACTION_CREATE sent to the initial response received by the stand-in.
Commands are measured in interleaved blocks so that machine noise hits them all alike.

Prints one line per command: ``NAME p50_ms=… p99_ms=… ratio_to_floor=…`` (ratio of medians).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

import discord
from _common import bench_services, median, percentile

from bot.app import FactQuizBot
from bot.local.session import running_bot

COMMANDS: list[tuple[str, str]] = [
    ("/ping", "/ping"),
    ("/about", "/about"),
    ("/defectors", "/defectors"),
    ("/defectors_year:2012", "/defectors year:2012"),
    ("/defectors_span", "/defectors year:2010 to_year:2015"),
    ("/recognition_country", "/recognition country country:Ivory Coast as_of:2023-11-14"),
    ("/recognition_summary", "/recognition summary"),
    ("/recognition_list", "/recognition list status:both"),
    ("/recognition_map", "/recognition map"),
    ("/leaderboard", "/leaderboard"),
    ("/quiz_stats", "/quiz stats"),
]


class BenchBot(FactQuizBot):
    async def setup_hook(self) -> None:
        await super().setup_hook()

        @self.tree.command(name="ping", description="the floor: answers at once, does nothing")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")


async def main(per_command: int, block: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    async with bench_services() as services, running_bot(services, bot_factory=BenchBot) as local:
        samples: dict[str, list[float]] = {name: [] for name, _ in COMMANDS}
        for _, line in COMMANDS:  # warm-up: imports, caches, connection pool
            for _ in range(50):
                await local.invoke(line)
        started = time.perf_counter()
        while min(len(v) for v in samples.values()) < per_command:
            for name, line in COMMANDS:
                for _ in range(block):
                    exchange = await local.invoke(line)
                    assert exchange.latency is not None
                    samples[name].append(exchange.latency * 1000)
                # Keep the stand-in's memory flat over thousands of interactions.
                local.standin.messages.clear()
                local.standin.interactions.clear()
                local.standin.requests.clear()
        elapsed = time.perf_counter() - started
        assert not local.standin.violations, local.standin.violations
        floor = median(samples["/ping"])
        total = sum(len(v) for v in samples.values())
        print(f"# {total} interactions in {elapsed:.1f} s; latency = INTERACTION_CREATE sent → "
              f"initial response received; ratio_to_floor = median / median of /ping")
        for name, line in COMMANDS:
            values = samples[name]
            print(f"# {name} = {line!r}, n={len(values)}")
        for name, _ in COMMANDS:
            values = samples[name]
            print(f"{name} p50_ms={median(values):.3f} p99_ms={percentile(values, 99):.3f} "
                  f"ratio_to_floor={median(values) / floor:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-command", type=int, default=2000,
                        help="interactions per command (default 2000)")
    parser.add_argument("--block", type=int, default=100, help="interactions per block")
    args = parser.parse_args()
    asyncio.run(main(args.per_command, args.block))
