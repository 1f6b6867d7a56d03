"""Moderator tools: refused without Manage Server, accepted with it, and what each one does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord
from bot.local.standin.invocation import OptionRefused
from bot.quiz import config, totals
from bot.quiz.models import Answer, Player, QuizRound
from bot.services import Services

ADMIN_LINES = [
    "/quizadmin settings show",
    "/quizadmin settings set time_limit:30",
    "/quizadmin channel allow channel:general",
    "/quizadmin channel deny channel:quiz",
    "/quizadmin channel list",
    "/quizadmin leaderboard reset",
    "/quizadmin leaderboard remove member:bob",
    "/quizadmin points adjust member:bob amount:5 reason:good sport",
]


@pytest.mark.parametrize("line", ADMIN_LINES)
async def test_members_without_manage_server_are_refused(discord: LocalDiscord, line: str) -> None:
    discord.member("bob")
    member = discord.member("eve")
    # Discord's client hides the command (default_permissions) …
    with pytest.raises(OptionRefused, match="default_member_permissions"):
        await discord.invoke(line, user=member)
    # … and when a server admin lets everyone see it, the bot still refuses.
    discord.guild.command_overrides.add("quizadmin")
    refused = await discord.invoke(line, user=member)
    assert refused.ephemeral
    assert refused.content == "You need the Manage Server permission to use this command."
    async with discord.bot.services.engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM quiz_mod_action"))).scalar() == 0


@pytest.mark.parametrize("line", ADMIN_LINES)
async def test_moderators_are_accepted(discord: LocalDiscord, line: str) -> None:
    discord.member("bob")
    exchange = await discord.invoke(line, user=discord.member("mod", moderator=True))
    assert exchange.ephemeral
    assert "permission" not in exchange.content


@pytest.mark.parametrize(("option", "ok", "refused"), [
    ("time_limit", (10, 60), (9, 61)), ("questions", (5, 20), (4, 21))])
async def test_settings_bounds(discord: LocalDiscord, option: str, ok: tuple[int, int],
                               refused: tuple[int, int]) -> None:
    mod = discord.member("mod", moderator=True)
    for value in refused:
        with pytest.raises(OptionRefused, match="must be at"):
            await discord.invoke(f"/quizadmin settings set {option}:{value}", user=mod)
    for value in ok:
        saved = await discord.invoke(f"/quizadmin settings set {option}:{value}", user=mod)
        fields = {f["name"]: f["value"] for f in saved.embed["fields"]}
        shown = fields["Time per question"] if option == "time_limit" else \
            fields["Questions per round"]
        assert shown.startswith(str(value))
    cfg = await config.get_config(discord.bot.services.engine, discord.guild.id)
    assert (cfg.time_limit if option == "time_limit" else cfg.default_questions) == ok[1]
    nothing = await discord.invoke("/quizadmin settings set", user=mod)
    assert nothing.content.startswith("Nothing to change")


async def test_topics_setting_limits_rounds(discord: LocalDiscord) -> None:
    mod = discord.member("mod", moderator=True)
    await discord.invoke("/quizadmin settings set topics:recognition", user=mod)
    refused = await discord.invoke("/quiz start topic:defectors")
    assert refused.ephemeral
    assert "allow quiz questions on recognition only" in refused.content
    mixed = await discord.invoke("/quiz start topic:mixed")
    assert mixed.ephemeral
    started = await discord.invoke("/quiz start")  # the default follows the setting
    assert not started.ephemeral
    assert "Recognition" in started.embed["description"]


async def test_the_channel_allow_list(discord: LocalDiscord) -> None:
    mod = discord.member("mod", moderator=True)
    general, quiz = list(discord.guild.channels.values())
    allowed = await discord.invoke(f"/quizadmin channel allow channel:<#{quiz.id}>", user=mod)
    assert f"Allowed: <#{quiz.id}>" in {f["name"]: f["value"] for f in
                                         allowed.embed["fields"]}["Quiz channels"]
    refused = await discord.invoke("/quiz start", channel=general)
    assert refused.ephemeral
    assert refused.content == f"Quizzes are not allowed in this channel; try <#{quiz.id}>."
    ok = await discord.invoke("/quiz start", channel=quiz)
    assert not ok.ephemeral
    await discord.bot.services.quiz.stop(discord.bot.services.quiz.running_in(quiz.id)
                                         .info.round_id, None)
    await discord.invoke(f"/quizadmin channel deny channel:<#{quiz.id}>", user=mod)
    denied = await discord.invoke("/quiz start", channel=quiz)
    assert denied.content == "Quizzes are not allowed in this channel."
    listing = await discord.invoke("/quizadmin channel list", user=mod)
    assert f"Denied: <#{quiz.id}>" in listing.embed["fields"][-1]["value"]


async def _seed_answers(services: Services, guild_id: int, rows: list[tuple[int, str, int,
                                                                             dt.datetime]]) -> None:
    """Answers as finished rounds leave them (user, name, points, when)."""
    async with services.engine.begin() as conn:
        for i, (user_id, name, points, when) in enumerate(rows):
            round_id = (await conn.execute(QuizRound.__table__.insert().values(
                guild_id=guild_id, channel_id=1, active_channel_id=None, starter_id=user_id,
                topic="mixed", question_count=5, time_limit=20, seed=i, status="finished",
                started_at=when, ended_at=when).returning(QuizRound.__table__.c.id))).scalar()
            await conn.execute(Answer.__table__.insert().values(
                round_id=round_id, question_index=0, guild_id=guild_id, user_id=user_id,
                option_index=0, correct=points > 0, points=points, elapsed_ms=1000,
                answered_at=when))
            await conn.execute(sa.delete(Player).where(Player.user_id == user_id))
            await conn.execute(Player.__table__.insert().values(
                guild_id=guild_id, user_id=user_id, display_name=name, updated_at=when))
            await totals.tally(conn, round_id)  # as the round's end folds them in


async def test_leaderboard_periods_and_pages(discord: LocalDiscord, services: Services) -> None:
    now = dt.datetime.now(dt.UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    monday = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0,
                                                             microsecond=0)
    users = [discord.member(n) for n in ("old", "monthly", "weekly")]
    seeded = [(users[0].id, "old", 900, now - dt.timedelta(days=400)),
              (users[1].id, "monthly", 500, month_start + dt.timedelta(seconds=1)),
              (users[2].id, "weekly", 300, monday + dt.timedelta(seconds=1))]
    await _seed_answers(services, discord.guild.id, seeded)

    async def board(period: str) -> list[str]:
        embed = (await discord.invoke(f"/leaderboard period:{period}")).embed
        return embed["description"].splitlines()

    def expected(since: dt.datetime | None) -> list[str]:
        # Calendar month and ISO week in UTC, as the README documents.
        kept = [(u, p) for u, _, p, when in seeded if since is None or when >= since]
        return [f"**{i}.** <@{u}> — {p} points" for i, (u, p) in enumerate(kept, 1)]

    assert await board("all-time") == expected(None)
    assert len(expected(None)) == 3
    assert await board("month") == expected(month_start)
    assert await board("week") == expected(monday)
    assert f"<@{users[0].id}>" not in "".join(await board("month"))
    many = [(discord.member(f"p{i}").id, f"p{i}", 10 * i + 1, now) for i in range(12)]
    await _seed_answers(services, discord.guild.id, many)
    page2 = (await discord.invoke("/leaderboard page:2")).embed
    assert page2["footer"]["text"].startswith("Page 2 of 2 · 15 players")
    assert len(page2["description"].splitlines()) == 5


async def test_ties_share_a_rank(discord: LocalDiscord, services: Services) -> None:
    now = dt.datetime.now(dt.UTC)
    a, b, c = (discord.member(n) for n in ("ann", "ben", "cat"))
    await _seed_answers(services, discord.guild.id, [(a.id, "ann", 200, now),
                                                     (b.id, "ben", 200, now),
                                                     (c.id, "cat", 100, now)])
    lines = (await discord.invoke("/leaderboard")).embed["description"].splitlines()
    assert [line.split()[0] for line in lines] == ["**1.**", "**1.**", "**3.**"]


async def test_points_adjust_is_audited_and_shown_in_stats(discord: LocalDiscord,
                                                           services: Services) -> None:
    bob, mod = discord.member("bob"), discord.member("mod", moderator=True)
    done = await discord.invoke("/quizadmin points adjust member:bob amount:-25 "
                                "reason:**spam** @everyone", user=mod)
    assert done.content.startswith(f"-25 points for <@{bob.id}>")
    stats = (await discord.invoke("/quiz stats member:bob")).embed
    fields = {f["name"]: f["value"] for f in stats["fields"]}
    assert fields["Points"] == "-25"
    assert "-25 — \\*\\*spam\\*\\* @\u200beveryone" in fields["Adjustments by moderators"]
    assert f"<@{mod.id}>" in fields["Adjustments by moderators"]
    zero = await discord.invoke("/quizadmin points adjust member:bob amount:0 reason:x", user=mod)
    assert zero.content == "An adjustment of 0 points changes nothing."
    async with services.engine.connect() as conn:
        actions = (await conn.execute(sa.text(
            "SELECT action, moderator_id FROM quiz_mod_action"))).all()
    assert actions == [("points.adjust", mod.id)]


async def _board_text(discord: LocalDiscord) -> str:
    return (await discord.invoke("/leaderboard")).embed["description"]


async def test_reset_needs_the_callers_confirmation(discord: LocalDiscord,
                                                    services: Services) -> None:
    bob, mod = discord.member("bob"), discord.member("mod", moderator=True)
    await _seed_answers(services, discord.guild.id, [(bob.id, "bob", 120, dt.datetime.now(dt.UTC))])
    ask = await discord.invoke("/quizadmin leaderboard reset", user=mod)
    assert ask.ephemeral
    message: dict[str, Any] = ask.message  # type: ignore[assignment]
    with pytest.raises(OptionRefused, match="visible only to someone else"):
        await discord.click(message, label="Reset the leaderboard", user=bob)
    cancel = await discord.click(message, label="Cancel", user=mod)
    assert cancel.message["content"] == "Cancelled. Nothing changed."
    assert f"<@{bob.id}>" in await _board_text(discord)
    ask = await discord.invoke("/quizadmin leaderboard reset", user=mod)
    done = await discord.click(ask.message, label="Reset the leaderboard", user=mod)
    assert done.message["content"].startswith("The leaderboard was reset: 1 answer and")
    assert done.message["components"] == []
    assert (await _board_text(discord)).startswith("No points yet")
    async with services.engine.connect() as conn:
        actions = (await conn.execute(sa.text("SELECT action FROM quiz_mod_action"))).scalars()
        assert list(actions) == ["leaderboard.reset"]


async def test_an_expired_confirmation_changes_nothing(discord: LocalDiscord,
                                                       services: Services) -> None:
    bob, mod = discord.member("bob"), discord.member("mod", moderator=True)
    await _seed_answers(services, discord.guild.id, [(bob.id, "bob", 120, dt.datetime.now(dt.UTC))])
    ask = await discord.invoke("/quizadmin leaderboard reset", user=mod)
    message = dict(ask.message or {})
    for row in message["components"]:  # the same buttons, issued an hour ago
        for button in row["components"]:
            parts = button["custom_id"].split(":")
            parts[-1] = str(int(parts[-1]) - 3600)
            button["custom_id"] = ":".join(parts)
    expired = await discord.click(message, label="Reset the leaderboard", user=mod, as_seen=True)
    assert expired.message["content"] == "This confirmation expired; run the command again."
    assert f"<@{bob.id}>" in await _board_text(discord)


async def test_remove_member_from_the_leaderboard(discord: LocalDiscord,
                                                  services: Services) -> None:
    bob, ann = discord.member("bob"), discord.member("ann")
    now = dt.datetime.now(dt.UTC)
    await _seed_answers(services, discord.guild.id, [(bob.id, "bob", 120, now),
                                                     (ann.id, "ann", 80, now)])
    mod = discord.member("mod", moderator=True)
    done = await discord.invoke("/quizadmin leaderboard remove member:bob", user=mod)
    assert done.content == f"Removed <@{bob.id}> from the leaderboard (1 answer deleted)."
    assert await _board_text(discord) == f"**1.** <@{ann.id}> — 80 points"
