"""Shared benchmark plumbing: a throwaway database and percentiles."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local.driver import Exchange  # noqa: E402
from bot.local.standin import StandIn  # noqa: E402
from bot.services import Services, open_services  # noqa: E402
from bot.settings import Settings  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextlib.asynccontextmanager
async def bench_services(database_url: str | None = None) -> AsyncIterator[Services]:
    """Services on ``DATABASE_URL`` when set, else on a fresh SQLite file."""
    with tempfile.TemporaryDirectory(prefix="factquiz-bench-") as tmp:
        url = database_url or os.environ.get("DATABASE_URL") or \
            f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings.from_mapping({**os.environ, "DATABASE_URL": url,
                                          "VAR_DIR": str(Path(tmp) / "var")})
        services = await open_services(settings)
        try:
            yield services
        finally:
            await services.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU time of a process, or of one of its threads (Linux /proc): the
    main thread (``thread=pid``) is the event loop; the others are the database driver's
    and the metrics endpoint's."""
    where = f"/proc/{pid}/task/{thread}/stat" if thread is not None else f"/proc/{pid}/stat"
    fields = Path(where).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lag_buckets(port: int) -> dict[float, float]:
    """The bot's cumulative loop-lag histogram: upper bound (s) → count."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    buckets: dict[float, float] = {}
    for line in text.splitlines():
        if line.startswith("factquiz_event_loop_lag_seconds_bucket"):
            bound = line.split('le="')[1].split('"')[0]
            buckets[float("inf") if bound == "+Inf" else float(bound)] = float(line.split()[-1])
    return buckets


def histogram_quantile(q: float, before: dict[float, float], after: dict[float, float]) -> float:
    """Prometheus' interpolation over the observations made between two scrapes."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    total = counts[-1]
    if total <= 0:
        return float("nan")
    rank, lower, below = q * total, 0.0, 0.0
    for bound, cumulative in zip(bounds, counts, strict=True):
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(cumulative - below, 1e-9)
        lower, below = bound, cumulative
    return lower


async def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


async def settle(sent: list[Exchange], quiet: float = 10.0) -> None:
    """Wait until every click got its first response, or none came for ``quiet`` seconds
    (an overloaded bot drops receipts it can no longer deliver in time)."""
    last, waiting = time.monotonic(), len(sent)
    while waiting and time.monotonic() - last < quiet:
        await asyncio.sleep(0.1)
        now_waiting = sum(1 for e in sent if e.interaction.responded_at is None)
        if now_waiting < waiting:
            last, waiting = time.monotonic(), now_waiting


@contextlib.asynccontextmanager
async def bot_subprocess(standin: StandIn, database_url: str, dev_guild: int | None = None,
                         *, script: Path | None = None, **env: str
                         ) -> AsyncIterator[tuple[asyncio.subprocess.Process, int, Path]]:
    """``python -m bot`` connected to ``standin``, with its metrics port; stopped with
    SIGTERM (graceful shutdown) at the end, killed if it hangs. Commands are synced to
    ``dev_guild`` by the bot, or globally with ``python -m bot sync`` first. ``script``
    runs that file instead of ``-m bot`` (bench/floor_bot.py: the bot plus the floor)."""
    program = [str(script)] if script is not None else ["-m", "bot"]
    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="factquiz-bench-"))
    full = {**os.environ, "DISCORD_TOKEN": standin.token, "DISCORD_API_URL": standin.base_url,
            "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "METRICS_PORT": str(port),
            "VAR_DIR": str(var), **env}
    if dev_guild is not None:
        full["DEV_GUILD_ID"] = str(dev_guild)
    else:
        sync = await asyncio.create_subprocess_exec(sys.executable, *program, "sync",
                                                    cwd=ROOT, env=full)
        if await sync.wait() != 0:
            raise RuntimeError("python -m bot sync failed")
    log = var / "bot.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(sys.executable, *program, cwd=ROOT,
                                                    env=full, stdout=out, stderr=out)
    synced = (lambda: standin.guild_commands.get(dev_guild)) if dev_guild is not None else \
        (lambda: standin.global_commands)
    try:
        await wait_until(lambda: synced() and any(
            s.ready.is_set() for s in standin.sessions.values()), 60, "the bot to connect")
        yield proc, port, log
        if proc.returncode is None:
            proc.terminate()
            # Ending a thousand rounds (each posts its board) takes a while on one SQLite
            # file; what a bench measures is over by now, the exit code is still reported.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(proc.wait(), 240)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
