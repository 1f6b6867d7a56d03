"""Shared benchmark plumbing: a throwaway database and percentiles."""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
