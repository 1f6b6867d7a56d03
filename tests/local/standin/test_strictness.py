"""Each of Discord's rules, enforced by the stand-in against the real discord.py client: a
bot reply that breaks one fails loudly, naming the rule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import Route

from bot import reply
from bot.app import APOLOGY, FactQuizBot
from bot.local.driver import LocalDiscord
from bot.local.session import running_bot
from bot.local.standin.invocation import OptionRefused
from bot.services import Services


def _view(buttons: int, *, rows: int = 1, custom_id_len: int = 10) -> discord.ui.View:
    view = discord.ui.View()
    for i in range(buttons):
        item = discord.ui.Button(label=f"b{i}", custom_id=f"{i:0{custom_id_len}d}")
        item.row = None
        view.add_item(item)
    return view


def _raw_components(rows: int, per_row: int) -> list[dict[str, Any]]:
    return [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": f"{r}.{c}", "custom_id": f"r{r}c{c}"}
        for c in range(per_row)]} for r in range(rows)]


BREAKERS = {
    "content": ("content ≤ 2000 characters", dict(content="x" * 2001)),
    "embeds": ("≤ 10 embeds", dict(embeds=[{"title": "t"}] * 11)),
    "embed_total": ("all embeds together ≤ 6000", dict(embeds=[{"description": "d" * 4000},
                                                               {"description": "d" * 2001}])),
    "title": ("title ≤ 256", dict(embeds=[{"title": "t" * 257}])),
    "description": ("description ≤ 4096", dict(embeds=[{"description": "d" * 4097}])),
    "fields": ("≤ 25 fields", dict(embeds=[{"fields": [{"name": "n", "value": "v"}] * 26}])),
    "field_value": ("value ≤ 1024", dict(embeds=[{"fields": [{"name": "n", "value": "v" * 1025}]}])),
    "rows": ("≤ 5 action rows", dict(content="x", components=_raw_components(6, 1))),
    "buttons": ("≤ 5 buttons per row", dict(content="x", components=_raw_components(1, 6))),
    "custom_id": ("custom_id ≤ 100", dict(content="x", components=[{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "b", "custom_id": "c" * 101}]}])),
    "empty": ("cannot send an empty message", dict()),
}


class MisbehavingBot(FactQuizBot):
    """The real bot plus commands that break Discord's rules on purpose."""

    async def setup_hook(self) -> None:
        await super().setup_hook()
        tree = self.tree

        @tree.command(name="misbehave", description="send a reply that breaks one rule")
        @app_commands.choices(rule=[app_commands.Choice(name=k, value=k) for k in BREAKERS])
        async def misbehave(interaction: discord.Interaction, rule: str) -> None:
            body = BREAKERS[rule][1]
            # Raw HTTP: discord.py would refuse some of these itself before sending.
            route = Route("POST", "/interactions/{iid}/{token}/callback",
                          iid=interaction.id, token=interaction.token)
            await self.http.request(route, json={"type": 4, "data": body},
                                    params={"with_response": "1"})

        @tree.command(name="slow", description="answer after 3.2 seconds")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(3.2)
            await interaction.response.send_message("finally")

        @tree.command(name="twice", description="answer the same interaction twice")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("one")
            await self.http.request(
                Route("POST", "/interactions/{iid}/{token}/callback", iid=interaction.id,
                      token=interaction.token),
                json={"type": 4, "data": {"content": "two"}}, params={"with_response": "1"})

        @tree.command(name="lost", description="call an endpoint Discord does not have")
        async def lost(interaction: discord.Interaction) -> None:
            await self.http.request(Route("GET", "/no/such/endpoint"))

        @tree.command(name="many", description="offer too many autocomplete choices")
        async def many(interaction: discord.Interaction, pick: str) -> None:
            await interaction.response.send_message(pick)

        @many.autocomplete("pick")
        async def many_choices(interaction: discord.Interaction, current: str) -> list[Any]:
            return [app_commands.Choice(name=f"c{i}", value=f"c{i}") for i in range(26)]

        @tree.command(name="ranged", description="an integer between 5 and 20")
        async def ranged(interaction: discord.Interaction,
                         n: app_commands.Range[int, 5, 20]) -> None:
            await interaction.response.send_message(str(n))


@pytest.fixture
async def strict(services: Services) -> AsyncIterator[LocalDiscord]:
    async with running_bot(services, bot_factory=MisbehavingBot) as local:
        yield local


@pytest.mark.parametrize("rule", list(BREAKERS))
async def test_a_reply_over_a_limit_is_refused_naming_the_rule(strict: LocalDiscord, rule: str) -> None:
    expected = BREAKERS[rule][0]
    exchange = await strict.invoke(f"/misbehave rule:{rule}", wait=False)
    # The bot's error handler answers with the apology once the raw reply was refused.
    await exchange.wait(refusals_ok=True)
    assert any(expected in v.rule for v in exchange.violations), exchange.violations
    assert exchange.ephemeral


async def test_an_initial_response_after_3_seconds_is_refused(
    strict: LocalDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reply, "WATCHDOG", 60.0)  # the bot would otherwise acknowledge at 2 s
    exchange = await strict.invoke("/slow", wait=False)
    await asyncio.sleep(3.4)
    assert not exchange.answered
    assert any("initial response after" in v.rule for v in exchange.violations)


async def test_answering_twice_is_refused(strict: LocalDiscord) -> None:
    exchange = await strict.invoke("/twice", wait=False)
    await exchange.wait(refusals_ok=True)
    await exchange.quiet()
    assert any("already been acknowledged" in v.rule for v in exchange.violations)


async def test_an_unknown_endpoint_is_refused(strict: LocalDiscord) -> None:
    exchange = await (await strict.invoke("/lost", wait=False)).wait(refusals_ok=True)
    assert exchange.content == APOLOGY  # the bot's call failed; the user got the apology
    assert any("unknown endpoint GET /api/v10/no/such/endpoint" in v.rule
               for v in strict.standin.violations)


async def test_more_than_25_autocomplete_choices_are_refused(strict: LocalDiscord) -> None:
    with pytest.raises(AssertionError, match="≤ 25 autocomplete choices"):
        await strict.autocomplete("/many pick:c", focus="pick")


async def test_a_never_synced_command_is_refused(strict: LocalDiscord) -> None:
    @app_commands.command(name="unsynced", description="added after the sync")
    async def unsynced(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("should never run")

    strict.bot.tree.add_command(unsynced)
    with pytest.raises(OptionRefused, match="never synced"):
        await strict.invoke("/unsynced")
    strict.standin.violations.clear()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("/ranged n:4", "at least 5"),
        ("/ranged n:21", "at most 20"),
        ("/ranged n:seven", "whole number"),
        ("/ranged n:2.5", "whole number"),
        ("/misbehave rule:nonsense", "not one of the choices"),
        ("/ranged", "required"),
    ],
)
async def test_options_outside_their_declaration_never_reach_the_bot(
    strict: LocalDiscord, line: str, reason: str
) -> None:
    before = len(strict.standin.interactions)
    with pytest.raises(OptionRefused, match=reason):
        await strict.invoke(line)
    assert len(strict.standin.interactions) == before


async def test_a_bad_command_registration_is_refused(strict: LocalDiscord) -> None:
    import aiohttp

    url = f"{strict.standin.api_url}/applications/{strict.standin.application_id}/commands"
    bad = [{"name": "Bad Name", "description": "x" * 101, "type": 1}]
    async with aiohttp.ClientSession() as http, http.put(
        url, json=bad, headers={"Authorization": f"Bot {strict.standin.token}"}
    ) as resp:
        body = await resp.json()
    assert resp.status == 400
    assert "names are 1–32 lowercase" in body["message"]
    assert "description must be 1–100" in body["message"]
    strict.standin.violations.clear()
