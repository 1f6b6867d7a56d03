"""The bot-wide error handler, through the real command tree."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import discord
import pytest

from bot.app import APOLOGY, FactQuizBot
from bot.local.driver import LocalDiscord
from bot.local.session import running_bot
from bot.services import Services


class BrokenBot(FactQuizBot):
    async def setup_hook(self) -> None:
        await super().setup_hook()

        @self.tree.command(name="boom", description="raises")
        async def boom(interaction: discord.Interaction) -> None:
            raise RuntimeError("secret internals: /etc/passwd")

        @self.tree.command(name="late-boom", description="defers, then raises")
        async def late_boom(interaction: discord.Interaction) -> None:
            await interaction.response.defer()
            raise ValueError("secret internals after defer")

        @self.tree.command(name="guarded", description="servers only")
        @discord.app_commands.guild_only()
        @discord.app_commands.checks.has_permissions(manage_guild=True)
        async def guarded(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok")


@pytest.fixture
async def broken(services: Services) -> AsyncIterator[LocalDiscord]:
    async with running_bot(services, bot_factory=BrokenBot) as local:
        yield local


async def test_an_exception_gets_an_ephemeral_apology_and_is_logged(
    broken: LocalDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        exchange = await broken.invoke("/boom")
    assert exchange.ephemeral
    assert exchange.content == APOLOGY
    assert "secret" not in exchange.text
    logged = [r for r in caplog.records if r.name == "bot.app"]
    assert logged
    assert logged[0].exc_info is not None
    assert str(exchange.interaction.id) in logged[0].getMessage()


async def test_an_exception_after_deferring_gets_an_ephemeral_follow_up(broken: LocalDiscord) -> None:
    exchange = await broken.invoke("/late-boom")
    await exchange.quiet()
    assert APOLOGY in exchange.text
    assert "secret" not in exchange.text
    apology = next(m for m in exchange.messages if m["content"] == APOLOGY)
    assert apology["flags"] & 64


async def test_a_failed_check_answers_politely(broken: LocalDiscord) -> None:
    exchange = await broken.invoke("/guarded")
    assert exchange.ephemeral
    assert exchange.content == "You need the Manage Server permission to use this command."
