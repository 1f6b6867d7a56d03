"""Shared fixtures: a fresh database per test, and a bot running against the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.local.driver import LocalDiscord
from bot.local.session import running_bot
from bot.services import Services, open_services
from bot.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_mapping({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        "VAR_DIR": str(tmp_path / "var"),
    })


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
