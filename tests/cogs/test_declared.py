"""A modified client sends what Discord's own client never would: out-of-range numbers,
values outside the choices, a server command from a DM. The bot re-checks every declared
range, choice and ``guild_only`` itself, answers politely and privately, and changes nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from bot.app import APOLOGY
from bot.local.driver import Exchange, LocalDiscord
from bot.local.standin.invocation import OptionRefused
from bot.quiz import admin, config
from bot.quiz.admin import Actor
from bot.services import Services

# What a modified client ignores: every constraint Discord's client applies before sending.
CLIENT_SIDE = {"min_value", "max_value", "min_length", "max_length", "choices", "contexts",
               "dm_permission", "integration_types"}


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in CLIENT_SIDE}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


@contextmanager
def modified_client(discord: LocalDiscord) -> Iterator[None]:
    """The driver (our "client") sees the commands without their declared constraints."""
    original = discord.standin.commands_for
    discord.standin.commands_for = lambda guild_id: _strip(copy.deepcopy(  # type: ignore[method-assign]
        original(guild_id)))
    try:
        yield
    finally:
        discord.standin.commands_for = original  # type: ignore[method-assign]


def _set_option(options: list[dict[str, Any]], name: str, value: Any) -> bool:
    for opt in options:
        if opt.get("name") == name and "value" in opt:
            opt["value"] = value
            return True
        if _set_option(opt.get("options") or [], name, value):
            return True
    return False


async def raw_invoke(discord: LocalDiscord, line: str, *, user: Any = None, dm: bool = False,
                     **values: Any) -> Exchange:
    """``line`` as a modified client sends it, with option ``values`` put in verbatim (even
    integers beyond Discord's ±2⁵³, which the typed line could not carry)."""
    with modified_client(discord):
        user = user or discord.user
        guild = None if dm else discord.guild
        inv, resolved = discord._parse(line, guild, user)
    for name, value in values.items():
        assert _set_option(inv.data["options"], name, value), name
    from bot.local.standin.objects import Channel

    where = Channel(user.id, "dm", None, type=1) if dm else discord.channel
    before = len(discord.standin.violations)
    interaction = await discord.standin.create_interaction(
        itype=2, data=inv.data, user=user, guild=guild, channel=where, resolved=resolved)
    return await Exchange(discord.standin, interaction, before, inv).wait(5.0)


async def _count(services: Services, table: str) -> int:
    async with services.engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


def _refused(exchange: Exchange, *words: str) -> None:
    assert exchange.ephemeral, exchange.content
    assert exchange.content != APOLOGY
    assert "Nothing was changed" in exchange.content or "servers only" in exchange.content
    for word in words:
        assert word in exchange.content, exchange.content


async def test_the_real_client_refuses_these_itself(discord: LocalDiscord) -> None:
    discord.member("mod", moderator=True)
    for line in ("/quiz start questions:10000", "/quiz start topic:astrology"):
        with pytest.raises(OptionRefused):
            await discord.invoke(line)
    with pytest.raises(OptionRefused, match="direct messages"):
        await discord.invoke("/quiz start", dm=True)


@pytest.mark.parametrize("amount", [-(2**63), 2**63 - 1, -(2**53), admin.ADJUST_LIMIT + 1])
async def test_points_adjust_out_of_range_is_refused(discord: LocalDiscord, services: Services,
                                                     amount: int) -> None:
    discord.member("bob")
    mod = discord.member("mod", moderator=True)
    refused = await raw_invoke(discord, "/quizadmin points adjust member:bob amount:1 "
                               "reason:x", user=mod, amount=amount)
    _refused(refused, "amount", f"{admin.ADJUST_LIMIT:,}")
    assert await _count(services, "quiz_points_adjustment") == 0
    assert await _count(services, "quiz_mod_action") == 0
    board = await discord.invoke("/leaderboard")
    assert board.content != APOLOGY
    assert not board.ephemeral


@pytest.mark.parametrize("time_limit", [0, 9, 61, 100_000])
async def test_time_limit_out_of_range_is_refused(discord: LocalDiscord, services: Services,
                                                  time_limit: int) -> None:
    mod = discord.member("mod", moderator=True)
    before = await config.get_config(services.engine, discord.guild.id)
    refused = await raw_invoke(discord, "/quizadmin settings set time_limit:30", user=mod,
                               time_limit=time_limit)
    _refused(refused, "time_limit", "10", "60")
    assert await config.get_config(services.engine, discord.guild.id) == before
    assert await _count(services, "quiz_mod_action") == 0


@pytest.mark.parametrize(("line", "values", "words"), [
    ("/quiz start questions:5", {"questions": 10_000}, ("questions", "5", "20")),
    ("/quiz start questions:5", {"questions": 4}, ("questions",)),
    ("/quiz start topic:astrology", {}, ("topic", "Mixed")),
    ("/quiz start difficulty:impossible", {}, ("difficulty", "Easy")),
    ("/leaderboard page:1", {"page": 0}, ("page",)),
    ("/leaderboard period:forever", {}, ("period",)),
    ("/defectors year:2012", {"year": 10**12}, ("year",)),
    ("/recognition list status:everyone", {}, ("status",)),
])
async def test_out_of_declaration_values_are_refused(discord: LocalDiscord, services: Services,
                                                     line: str, values: dict[str, Any],
                                                     words: tuple[str, ...]) -> None:
    refused = await raw_invoke(discord, line, **values)
    _refused(refused, *words)
    assert await _count(services, "quiz_round") == 0


@pytest.mark.parametrize("line", ["/quiz start", "/quiz stop", "/quiz stats", "/quiz my-data",
                                  "/leaderboard", "/quizadmin settings show"])
async def test_server_commands_from_a_dm_are_refused(discord: LocalDiscord, services: Services,
                                                     line: str) -> None:
    refused = await raw_invoke(discord, line, dm=True)
    assert refused.ephemeral
    assert refused.content == "This command works in servers only."
    assert await _count(services, "quiz_round") == 0


async def test_the_core_refuses_an_unbounded_adjustment(services: Services) -> None:
    # Defence in depth: another caller of the core (a script, a future command) is bounded too.
    with pytest.raises(ValueError, match="at most"):
        await admin.adjust_points(services.engine, Actor(1, 2), 3, -(2**63), "x")
    assert await _count(services, "quiz_points_adjustment") == 0
