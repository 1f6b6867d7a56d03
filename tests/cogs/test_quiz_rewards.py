"""Role rewards through the stand-in: the set-up checks, an award once at the threshold,
removal on reset, and Discord refusing the role at award time."""

from __future__ import annotations

from typing import Any

import pytest

from bot.local.driver import LocalDiscord
from bot.local.standin import permissions
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, rows


@pytest.fixture
async def quick(discord: LocalDiscord, services: Services) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=3, default_questions=5, reveal_pictures=False))
    return discord


async def as_mod(quick: LocalDiscord, line: str) -> Any:
    return await quick.invoke(line, user=quick.member("mod", moderator=True))


def final_board(m: dict[str, Any]) -> bool:
    return bool(m["embeds"]) and m["embeds"][0]["title"].startswith("Round stopped")


async def play_one_right(quick: LocalDiscord, services: Services, name: str) -> dict[str, Any]:
    player = quick.member(name)
    seen = {m["id"] for m in quick.channel_messages()}
    await quick.invoke("/quiz start questions:5", user=player)
    q0 = await quick.wait_for_message(lambda m: m["id"] not in seen and is_question(0)(m))
    await quick.click(q0, index=await answer_key(services, q0), user=player)
    await quick.wait_for_message(lambda m: m["id"] not in seen and is_question(1)(m), timeout=8)
    await quick.invoke("/quiz stop", user=player)
    return await quick.wait_for_message(lambda m: m["id"] not in seen and final_board(m),
                                        timeout=8)


async def test_set_up_needs_manage_roles_and_a_role_below_the_bot(quick: LocalDiscord) -> None:
    guild = quick.guild
    low = await quick.standin.add_role(guild, "Quiz Champion", 1)
    no_perm = await as_mod(quick, f"/quizadmin rewards add role:{low.id} points:100")
    assert "Manage Roles" in no_perm.content
    guild.bot_permissions |= permissions.MANAGE_ROLES
    above = await as_mod(quick, f"/quizadmin rewards add role:{low.id} points:100")
    assert "below its own highest role" in above.content  # the bot holds no role yet
    await quick.standin.add_role(guild, "factquiz", 5, bot_holds=True)
    high = await quick.standin.add_role(guild, "Admins", 9)
    refused = await as_mod(quick, f"/quizadmin rewards add role:{high.id} points:100")
    assert "below its own highest role" in refused.content
    saved = await as_mod(quick, f"/quizadmin rewards add role:{low.id} points:100 period:month")
    assert saved.content.startswith("Saved")
    listed = await as_mod(quick, "/quizadmin rewards list")
    assert listed.content == f"<@&{low.id}> at 100 points (month)"


async def test_award_once_at_the_threshold_and_gone_on_reset(quick: LocalDiscord,
                                                             services: Services) -> None:
    guild = quick.guild
    guild.bot_permissions |= permissions.MANAGE_ROLES
    await quick.standin.add_role(guild, "factquiz", 5, bot_holds=True)
    champ = await quick.standin.add_role(guild, "Quiz Champion", 1)
    await as_mod(quick, f"/quizadmin rewards add role:{champ.id} points:1")
    board = await play_one_right(quick, services, "alice")
    alice = quick.member("alice")
    fields = {f["name"]: f["value"] for f in board["embeds"][0]["fields"]}
    assert fields["Rewards"] == f"<@{alice.id}> earned <@&{champ.id}>"
    assert guild.member_roles[alice.id] == {champ.id}
    again = await play_one_right(quick, services, "alice")  # still above: no second award
    assert "Rewards" not in {f["name"] for f in again["embeds"][0]["fields"]}
    assert await rows(services, "SELECT user_id FROM quiz_role_award") == [(alice.id,)]
    puts = [r for r in quick.standin.requests if r.method == "PUT" and "/roles/" in r.path]
    assert len(puts) == 1
    reset = await as_mod(quick, "/quizadmin leaderboard reset")
    assert reset.message is not None
    await quick.click(reset.message, index=0, user=quick.member("mod", moderator=None))
    assert guild.member_roles[alice.id] == set()
    assert await rows(services, "SELECT user_id FROM quiz_role_award") == []


async def test_a_refused_role_is_reported_not_fatal(quick: LocalDiscord,
                                                    services: Services) -> None:
    guild = quick.guild
    guild.bot_permissions |= permissions.MANAGE_ROLES
    await quick.standin.add_role(guild, "factquiz", 5, bot_holds=True)
    champ = await quick.standin.add_role(guild, "Quiz Champion", 1)
    await as_mod(quick, f"/quizadmin rewards add role:{champ.id} points:1")
    guild.bot_permissions &= ~permissions.MANAGE_ROLES  # taken away after set-up
    board = await play_one_right(quick, services, "bob")
    assert "Rewards" not in {f["name"] for f in board["embeds"][0]["fields"]}
    [(detail,)] = await rows(services, "SELECT detail FROM quiz_mod_action WHERE action = "
                                       "'rewards.failed'")
    assert "missing permission" in detail
    assert await rows(services, "SELECT user_id FROM quiz_role_award") == []  # tried again later
