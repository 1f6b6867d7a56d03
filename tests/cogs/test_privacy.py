"""Members can have their quiz data deleted; moderators can do it for them; a server that
removes the bot keeps nothing with it."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.services import Services
from tests.cogs.test_quizadmin import _seed_answers


async def _count(services: Services, table: str, guild_id: int, user_id: int | None = None) -> int:
    sql = f"SELECT count(*) FROM {table} WHERE guild_id = :g"
    params = {"g": guild_id}
    if user_id is not None:
        sql += " AND user_id = :u"
        params["u"] = user_id
    async with services.engine.connect() as conn:
        return int((await conn.execute(sa.text(sql), params)).scalar_one())


async def test_forget_me_asks_first_then_deletes_only_mine(discord: LocalDiscord,
                                                           services: Services) -> None:
    bob, ann = discord.member("bob"), discord.member("ann")
    now = dt.datetime.now(dt.UTC)
    await _seed_answers(services, discord.guild.id, [(bob.id, "bob", 120, now),
                                                     (ann.id, "ann", 80, now)])
    mod = discord.member("mod", moderator=True)
    await discord.invoke("/quizadmin points adjust member:bob amount:10 reason:bonus", user=mod)
    ask = await discord.invoke("/quiz forget-me", user=bob)
    assert ask.ephemeral
    assert "cannot be undone" in ask.content
    assert [b["label"] for b in buttons(ask.message)] == ["Delete my quiz data", "Cancel"]
    assert await _count(services, "quiz_answer", discord.guild.id, bob.id) == 1
    done = await discord.click(ask.message, label="Delete my quiz data", user=bob)
    assert done.message["content"].startswith("Done: your quiz data on this server (1 answer,")
    for table in ("quiz_answer", "quiz_player", "quiz_points_adjustment"):
        assert await _count(services, table, discord.guild.id, bob.id) == 0
    assert await _count(services, "quiz_answer", discord.guild.id, ann.id) == 1
    stats = (await discord.invoke("/quiz stats", user=bob)).embed
    assert {f["name"]: f["value"] for f in stats["fields"]}["Answered"] == "0"


async def test_a_moderator_can_forget_a_member(discord: LocalDiscord, services: Services) -> None:
    bob = discord.member("bob")
    await _seed_answers(services, discord.guild.id, [(bob.id, "bob", 50, dt.datetime.now(dt.UTC))])
    mod = discord.member("mod", moderator=True)
    discord.guild.command_overrides.add("quizadmin")
    refused = await discord.invoke("/quizadmin forget member:bob", user=discord.member("eve"))
    assert refused.content == "You need the Manage Server permission to use this command."
    done = await discord.invoke("/quizadmin forget member:bob", user=mod)
    assert done.content.startswith(f"Deleted the quiz data of <@{bob.id}>")
    assert await _count(services, "quiz_answer", discord.guild.id, bob.id) == 0
    async with services.engine.connect() as conn:
        audit = (await conn.execute(sa.text(
            "SELECT action, moderator_id, interaction_id FROM quiz_mod_action"))).all()
    assert audit == [("privacy.forget", mod.id, done.interaction.id)]


async def test_removing_the_bot_deletes_the_servers_quiz_data(discord: LocalDiscord,
                                                              services: Services) -> None:
    bob = discord.member("bob")
    await _seed_answers(services, discord.guild.id, [(bob.id, "bob", 50, dt.datetime.now(dt.UTC))])
    mod = discord.member("mod", moderator=True)
    await discord.invoke("/quizadmin settings set time_limit:30", user=mod)
    await discord.standin.remove_guild(discord.guild)
    for _ in range(100):
        if await _count(services, "quiz_guild_settings", discord.guild.id) == 0:
            break
        await asyncio.sleep(0.02)  # the GUILD_DELETE travels through the gateway
    for table in ("quiz_answer", "quiz_player", "quiz_round", "quiz_mod_action",
                  "quiz_guild_settings"):
        assert await _count(services, table, discord.guild.id) == 0, table


async def test_my_data_sends_me_a_private_json_file_of_my_data_only(
        discord: LocalDiscord, services: Services) -> None:
    import json

    bob, ann = discord.member("bob"), discord.member("ann")
    now = dt.datetime.now(dt.UTC)
    await _seed_answers(services, discord.guild.id, [(bob.id, "Bob B", 120, now),
                                                     (ann.id, "ann", 80, now)])
    mod = discord.member("mod", moderator=True)
    await discord.invoke("/quizadmin points adjust member:bob amount:10 reason:bonus", user=mod)
    await discord.invoke("/quizadmin points adjust member:ann amount:5 reason:other", user=mod)
    mine = await discord.invoke("/quiz my-data", user=bob)
    assert mine.ephemeral
    assert "1 answer" in mine.content
    assert "1 adjustment" in mine.content
    files = mine.message["attachments"]
    assert [f["filename"] for f in files] == [f"factquiz-my-data-{discord.guild.id}.json"]
    _name, raw = discord.standin.attachments[int(files[0]["id"])]
    data = json.loads(raw)
    assert data["user_id"] == str(bob.id)
    assert data["guild_id"] == str(discord.guild.id)
    assert data["player_name"]["display_name"] == "Bob B"
    assert [(a["points"], a["correct"], a["elapsed_ms"]) for a in data["answers"]] == \
        [(120, True, 1000)]
    assert [(a["amount"], a["reason"], a["moderator_id"]) for a in data["point_adjustments"]] \
        == [(10, "bonus", str(mod.id))]
    assert [e["action"] for e in data["audit_entries"]] == ["points.adjust"]
    assert f"member={bob.id}" in data["audit_entries"][0]["detail"]
    assert len(data["rounds_started"]) == 1
    assert str(ann.id) not in raw.decode()
    assert "other" not in raw.decode()
    # The moderator's own export names the adjustments they made.
    theirs = await discord.invoke("/quiz my-data", user=mod)
    _name, raw = discord.standin.attachments[int(theirs.message["attachments"][0]["id"])]
    assert len(json.loads(raw)["audit_entries"]) == 2
    assert len(json.loads(raw)["point_adjustments"]) == 2
