"""Bots in their own processes, connected to a stand-in in the test process: the way to test
restarts, crashes and several processes sharing one database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bot.local.standin import StandIn
from bot.local.standin.state import GatewaySession

ROOT = Path(__file__).resolve().parents[2]


def bot_env(standin: StandIn, database_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DISCORD_TOKEN": standin.token, "DISCORD_API_URL": standin.base_url,
            "DATABASE_URL": database_url, "VAR_DIR": str(tmp / "var"), "LOG_LEVEL": "INFO",
            **extra}


async def wait_until(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def ready_sessions(standin: StandIn) -> list[GatewaySession]:
    """The gateway sessions that are ready and still connected."""
    return [s for s in standin.sessions.values() if s.ready.is_set() and s.ws is not None]


async def wait_for_bot(standin: StandIn, guild_id: int, what: str = "the bot to connect") -> None:
    """Until a bot process has synced its commands to the guild and a session is ready."""
    await wait_until(lambda: standin.guild_commands.get(guild_id) and ready_sessions(standin),
                     60, what)


@contextlib.asynccontextmanager
async def bot_process(env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot`` with ``env``; stopped at the end as a service manager would
    (SIGTERM, then SIGKILL if it has not exited within 15 s)."""
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT,
                                                    env=env, stdout=out, stderr=out)
        try:
            yield proc
        finally:
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 15)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
