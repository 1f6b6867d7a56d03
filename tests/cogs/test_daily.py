"""The question of the day through the real discord.py client and the stand-in: set up with
/quizadmin daily, posted by the cog's scheduler at the (controlled) time, answered with the
round buttons, revealed as a reply with the buttons disabled, a lost channel, the board."""

from __future__ import annotations

from typing import Any

import pytest

from bot.local.driver import LocalDiscord, buttons
from bot.quiz import daily
from tests.quiz.test_daily import DAY1, ManualClock


def scheduler(discord: LocalDiscord, clock: ManualClock) -> daily.DailyScheduler:
    """The cog's scheduler on the test's clock; its loop is stopped so the test ticks it."""
    cog: Any = discord.bot.get_cog("Daily")
    assert cog is not None
    found: daily.DailyScheduler = cog.scheduler
    found.clock = clock
    found.selector.clock = clock
    discord.bot.services.quiz.clock = clock  # the answers' clock and the commands'
    return found


async def stop_loop(s: daily.DailyScheduler) -> None:
    await s.stop()


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def test_set_post_answer_reveal_and_the_streak_board(discord: LocalDiscord) -> None:
    clock = ManualClock(DAY1)
    clock.set(1, "08:00")
    s = scheduler(discord, clock)
    await stop_loop(s)
    mod = discord.member("mod", moderator=True)
    alice, bob = discord.member("alice"), discord.member("bob")
    saved = await discord.invoke(f"/quizadmin daily set channel:{discord.channel.name} "
                                 "time:9:00 open_hours:6", user=mod)
    assert saved.ephemeral
    shown = fields(saved.embed)
    assert shown["Status"] == "on"
    assert shown["Time"] == "09:00 UTC"
    assert shown["Open for"] == "6 hours"
    assert shown["Channel"] == f"<#{discord.channel.id}>"

    clock.set(1, "08:59")
    assert await s.tick() == ([], [])
    clock.set(1, "09:00")
    (posted,), _ = await s.tick()
    question = await discord.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith(
            "Question of the day · 2026-03-02"))
    assert "Posted late" not in fields(question["embeds"][0])
    assert len(buttons(question)) == len(posted.question.options)
    right = posted.question.answer_index
    locked = await discord.click(question, index=right, user=alice)
    assert locked.ephemeral
    assert locked.content.startswith("🔒 Locked in")
    again = await discord.click(question, index=right, user=alice)
    assert again.content == "You already answered this question."
    await discord.click(question, index=(right + 1) % len(buttons(question)), user=bob)

    clock.set(1, "15:00", 11)  # 09:00 + 6 h, and the grace for answers in flight
    _, (reveal,) = await s.tick()
    assert [r.user_id for r in reveal.right] == [alice.id]
    answer = await discord.wait_for_message(
        lambda m: bool(m["embeds"]) and "the answer is" in m["embeds"][0]["title"])
    got = fields(answer["embeds"][0])
    assert got["Answers"] == "2 answered, 1 right"
    assert f"<@{alice.id}>" in got["Got it right"]
    assert "1 day in a row" in got["Got it right"]
    # A reply to the question, and the question's buttons are disabled.
    replies = [r.body for r in discord.standin.requests
               if isinstance(r.body, dict) and r.body.get("message_reference")]
    assert [int(r["message_reference"]["message_id"]) for r in replies] == [int(question["id"])]
    closed = discord.standin.messages[int(question["id"])]
    assert all(b.get("disabled") for b in buttons(closed))
    late = await discord.click(question, index=right, user=discord.member("carol"),
                               as_seen=True)
    assert late.content == "This round has ended."

    board = await discord.invoke("/leaderboard period:daily-streak")
    assert board.embed["title"] == "Leaderboard · Daily streak"
    assert board.embed["description"] == f"**1.** <@{alice.id}> — 1 day in a row"
    points = await discord.invoke("/leaderboard")
    assert points.embed["description"].startswith(f"**1.** <@{alice.id}> — ")

    off = await discord.invoke("/quizadmin daily off", user=mod)
    assert fields(off.embed)["Status"] == "off"
    assert "turned off by" in fields(off.embed)["Turned off"]
    clock.set(2, "09:00")
    assert await s.tick() == ([], [])


@pytest.mark.allow_violations  # the one refused post is the point; checked below
async def test_a_deleted_channel_turns_it_off_and_show_says_why(discord: LocalDiscord) -> None:
    clock = ManualClock(DAY1)
    clock.set(1, "08:00")
    s = scheduler(discord, clock)
    await stop_loop(s)
    mod = discord.member("mod", moderator=True)
    doomed = await discord.text_channel("daily")
    await discord.invoke("/quizadmin daily set channel:daily time:09:00", user=mod)
    del discord.guild.channels[doomed.id]  # a moderator deleted the channel
    clock.set(1, "09:00")
    assert await s.tick() == ([], [])
    shown = await discord.invoke("/quizadmin daily show", user=mod)
    got = fields(shown.embed)
    assert got["Status"] == "off"
    assert "404" in got["Turned off"]
    assert "/quizadmin daily set" in got["Turned off"]
    assert "failed" in got["Recent days"]
    clock.set(2, "09:00")
    assert await s.tick() == ([], [])  # off stays off: one refused post, no more
    assert [v.rule for v in discord.standin.violations] == ["Unknown Channel"]


async def test_bad_times_are_refused(discord: LocalDiscord) -> None:
    mod = discord.member("mod", moderator=True)
    refused = await discord.invoke(f"/quizadmin daily set channel:{discord.channel.name} "
                                   "time:25:00", user=mod)
    assert refused.ephemeral
    assert refused.content.startswith("Not saved:")
    nothing = await discord.invoke("/quizadmin daily show", user=mod)
    assert "Not set up" in nothing.embed["description"]
    off = await discord.invoke("/quizadmin daily off", user=mod)
    assert off.content == "The question of the day is not on."
