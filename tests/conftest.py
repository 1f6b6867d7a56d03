"""Shared fixtures: a fresh database per test, and a bot running against the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.local.driver import LocalDiscord
from bot.local.session import running_bot
from bot.services import Services, open_services
from bot.settings import Settings
from tests.support.databases import fresh_database


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: SQLite, or PostgreSQL when TEST_DATABASE_URL names a server."""
    async with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings.from_mapping({"DATABASE_URL": database_url,
                                  "VAR_DIR": str(tmp_path / "var")})


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    services = await open_services(settings)
    yield services
    await services.close()


@pytest.fixture
async def discord(services: Services, request: pytest.FixtureRequest) -> AsyncIterator[LocalDiscord]:
    """A bot on the stand-in. Any reply Discord would refuse fails the test, unless the test
    is marked ``allow_violations`` (it checks them itself)."""
    async with running_bot(services) as local:
        yield local
        if not request.node.get_closest_marker("allow_violations"):
            assert local.standin.violations == [], "the bot sent replies Discord would refuse"
        assert local.standin.pings == [], "a reply would have pinged someone"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many hostile inputs the fuzz tests tried (see tests/faults/test_fuzz.py)."""
    import sys

    fuzz = sys.modules.get("tests.faults.test_fuzz")
    if fuzz is not None and fuzz.COUNTS["tried"]:
        counts = fuzz.COUNTS
        terminalreporter.write_line(
            f"fuzz: {counts['tried']} inputs tried — {counts['answered']} answered by the bot, "
            f"{counts['refused_by_client']} refused by Discord's client before reaching it")
