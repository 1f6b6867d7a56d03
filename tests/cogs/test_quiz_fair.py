"""Issue 13 through the stand-in: fair counting (the cheater's /quiz stats), the clock that
starts when a question is visible, forget-me mid-round, and the live feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.local.driver import LocalDiscord, buttons
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.services import Services
from tests.cogs.test_quiz import answer_key, is_question, revealed, rows
from tests.cogs.test_quizadmin import _seed_answers

RATE_LIMITED_FOR = {"message": "You are being rate limited.", "global": False}
VIA = {"Via": "1.1 google"}  # without it discord.py takes a 429 for a Cloudflare ban
POST = r"/channels/\d+/messages$"


async def _game(discord: LocalDiscord, services: Services, time_limit: int) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=time_limit, default_questions=5,
                                        reveal_pictures=False))
    return discord


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0].get("fields", [])}


async def stats_of(game: LocalDiscord, user: Any) -> dict[str, str]:
    return fields({"embeds": [(await game.invoke("/quiz stats", user=user)).embed]})


async def test_a_second_account_learns_nothing_before_the_reveal(discord: LocalDiscord,
                                                                 services: Services) -> None:
    game = await _game(discord, services, time_limit=6)
    cheat = game.member("cheat")
    await game.invoke("/quiz start questions:5")
    q0 = await game.wait_for_message(is_question(0))
    key = await answer_key(services, q0)
    click = await game.click(q0, index=key, user=cheat)  # option A or not: the right one
    assert click.content.startswith("🔒 Locked in")  # only their own receipt says anything
    before = await stats_of(game, cheat)
    assert (before["Answered"], before["Correct"], before["Points"]) == ("0", "0", "0")
    board = (await game.invoke("/leaderboard", user=cheat)).embed
    assert f"<@{cheat.id}>" not in board["description"]
    assert len(await rows(services, "SELECT * FROM quiz_answer")) == 1  # yet it is recorded
    await game.wait_for_message(revealed(q0["id"]), timeout=10)
    after = await stats_of(game, cheat)
    assert (after["Answered"], after["Correct"]) == ("1", "1")
    points = (await rows(services, "SELECT points FROM quiz_answer"))[0][0]
    assert after["Points"] == f"{points:,}"
    board = (await game.invoke("/leaderboard", user=cheat)).embed
    assert board["description"] == f"**1.** <@{cheat.id}> — {points:,} points"


async def test_the_clock_starts_when_the_slow_post_returned(discord: LocalDiscord,
                                                            services: Services) -> None:
    game = await _game(discord, services, time_limit=4)
    bob = game.member("bob")
    await game.invoke("/quiz start questions:5")
    q0 = await game.wait_for_message(is_question(0))
    await game.click(q0, index=await answer_key(services, q0), user=bob)
    # Question 1's post is rate limited for 2 of its 4 seconds.
    game.standin.inject("POST", POST, 429, body={**RATE_LIMITED_FOR, "retry_after": 2.0},
                        headers=VIA)
    q1 = await game.wait_for_message(is_question(1), timeout=15)
    click = await game.click(q1, index=await answer_key(services, q1), user=bob)
    assert click.content.startswith("🔒 Locked in")
    await game.wait_for_message(revealed(q1["id"]), timeout=10)
    (elapsed_ms,) = (await rows(services, "SELECT elapsed_ms FROM quiz_answer "
                                          "WHERE question_index = 1"))[0]
    assert elapsed_ms < 1500  # measured from the post, not from before the 2-second wait
    asked_at, deadline = (await rows(services, "SELECT asked_at, deadline FROM "
                                               "quiz_round_question WHERE \"index\" = 1"))[0]
    assert str(deadline) > str(asked_at)


async def test_a_question_posted_too_late_is_skipped_not_counted(discord: LocalDiscord,
                                                                 services: Services) -> None:
    game = await _game(discord, services, time_limit=2)
    # The first question's post waits longer than its time limit.
    game.standin.inject("POST", POST, 429, body={**RATE_LIMITED_FOR, "retry_after": 2.5},
                        headers=VIA)
    await game.invoke("/quiz start questions:10")
    board = await game.wait_for_message(
        lambda m: bool(m["embeds"]) and "no answers for 3 questions" in m["embeds"][0]["title"],
        timeout=20)
    assert board["embeds"][0]["description"] == "Nobody scored this round."
    questions = [m for m in game.channel_messages()
                 if m["embeds"] and m["embeds"][0]["title"].startswith("Question")]
    skipped = [m for m in questions if m["embeds"][0]["title"].endswith("— skipped")]
    assert len(skipped) == 1
    assert buttons(skipped[0]) == []
    # The skipped question did not count toward the idle stop: three more were asked.
    assert len(questions) == 4


async def test_forget_me_mid_round_leaves_no_trace_in_the_round(discord: LocalDiscord,
                                                                services: Services) -> None:
    game = await _game(discord, services, time_limit=5)
    bob, carol = game.member("bob"), game.member("carol")
    await game.invoke("/quiz start questions:5")
    q0 = await game.wait_for_message(is_question(0))
    key = await answer_key(services, q0)
    await game.click(q0, index=key, user=bob)
    await game.click(q0, index=key, user=carol)
    ask = await game.invoke("/quiz forget-me", user=bob)
    done = await game.click(ask.message, label="Delete my quiz data", user=bob)
    assert done.message["content"].startswith("Done")
    reveal = await game.wait_for_message(revealed(q0["id"]), timeout=10)
    got_it = fields(reveal)["Got it right"]
    assert f"<@{carol.id}>" in got_it
    assert f"<@{bob.id}>" not in got_it
    assert f"<@{bob.id}>" not in fields(reveal)["Standings"]
    assert fields(reveal)["Answers"] == "1 answered, 1 right"
    await game.invoke("/quiz stop", user=game.member("mod", moderator=True))
    final = await game.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith("Round stopped"))
    assert f"<@{bob.id}>" not in final["embeds"][0]["description"]
    assert f"<@{carol.id}>" in final["embeds"][0]["description"]


async def test_the_live_count_is_coalesced_and_the_last_question_says_so(
        discord: LocalDiscord, services: Services) -> None:
    game = await _game(discord, services, time_limit=4)
    services.quiz.progress_interval = 1.5
    players = [game.member(f"p{i}") for i in range(6)]
    await game.invoke("/quiz start questions:5")
    q0 = await game.wait_for_message(is_question(0))
    key = await answer_key(services, q0)
    for p in players:
        await game.click(q0, index=key, user=p)
    counted = await game.wait_for_message(
        lambda m: m["id"] == q0["id"] and fields(m).get("Answered") == "6 answered", timeout=5)
    assert buttons(counted)
    assert not any(b.get("disabled") for b in buttons(counted))
    reveal = await game.wait_for_message(revealed(q0["id"]), timeout=10)
    edits = [r for r in game.standin.requests
             if r.method == "PATCH" and r.path.endswith(f"/messages/{q0['id']}")]
    assert 2 <= len(edits) <= 5  # six clicks, a few coalesced edits, then the reveal
    standings = fields(reveal)["Standings"].splitlines()
    assert len(standings) == 5  # the top 5 of six
    # Everyone answered right at almost the same moment; equal points share a rank.
    points = [line.split("—")[1] for line in standings]
    ranks = [line.split(".**")[0] for line in standings]
    for i in range(1, 5):
        if points[i] == points[i - 1]:
            assert ranks[i] == ranks[i - 1]
    await game.invoke("/quiz stop", user=game.member("mod", moderator=True))
    assert fields(q0)["Answered"] == "0 answered"


async def test_the_last_question_is_titled_so(discord: LocalDiscord, services: Services) -> None:
    game = await _game(discord, services, time_limit=2)
    bob = game.member("bob")
    await game.invoke("/quiz start questions:5")
    titles = []
    for index in range(5):
        q = await game.wait_for_message(is_question(index), timeout=10)
        titles.append(q["embeds"][0]["title"])
        await game.click(q, index=await answer_key(services, q), user=bob)
    assert titles[0] == "Question 1 of 5"
    assert titles[4] == "Last question — Question 5 of 5"


async def test_leaderboard_pages_with_buttons_and_an_honest_out_of_range(
        discord: LocalDiscord, services: Services) -> None:
    now = dt.datetime.now(dt.UTC)
    many = [(discord.member(f"p{i}").id, f"p{i}", 1000 * i + 1, now) for i in range(12)]
    await _seed_answers(services, discord.guild.id, many)
    first = await discord.invoke("/leaderboard")
    assert first.embed["footer"]["text"].startswith("Page 1 of 2")
    assert "11,001 points" in first.embed["description"]
    labels = [(b["label"], bool(b.get("disabled"))) for b in buttons(first.message)]
    assert labels == [("◀ Previous", True), ("Next ▶", False)]
    second = await discord.click(first.message, label="Next ▶")
    page2 = second.message or second.bodies[-1]["data"]
    shown = discord.standin.messages[int(first.message["id"])]
    assert shown["embeds"][0]["footer"]["text"].startswith("Page 2 of 2")
    assert len(shown["embeds"][0]["description"].splitlines()) == 2
    assert page2 is not None
    beyond = await discord.invoke("/leaderboard page:3")
    assert beyond.ephemeral
    assert beyond.content == "There is no page 3: this leaderboard has 2 pages (12 players)."


async def test_pacing_settings_are_shown_and_bounded(discord: LocalDiscord) -> None:
    mod = discord.member("mod", moderator=True)
    saved = await discord.invoke("/quizadmin settings set reveal_time:12 lead_in:0", user=mod)
    shown = fields({"embeds": [saved.embed]})
    assert shown["Reveal time"] == "12 seconds before the next question"
    assert shown["Lead-in"] == "0 seconds before the first question"
    with pytest.raises(Exception, match="reveal_time"):
        await discord.invoke("/quizadmin settings set reveal_time:1", user=mod)
