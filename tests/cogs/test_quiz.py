"""Quiz rounds through the stand-in: players answering right, wrong, late and twice."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
import sqlalchemy as sa

from bot.local.driver import LocalDiscord, buttons
from bot.quiz import config, scoring
from bot.quiz.config import QuizConfig
from bot.services import Services

TIME_LIMIT = 2  # seconds: the engine takes any limit; the command's 10–60 bound is tested apart


@pytest.fixture
async def quick(discord: LocalDiscord, services: Services) -> LocalDiscord:
    """Rounds with 1-second questions and no pauses between them."""
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=TIME_LIMIT, default_questions=5,
                                        reveal_pictures=False))
    return discord


def is_question(index: int) -> Any:
    def match(m: dict[str, Any]) -> bool:
        found = buttons(m)
        return bool(found) and all(not b.get("disabled") for b in found) and \
            found[0]["custom_id"].split(":")[2] == str(index)
    return match


def answer_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The option buttons (not the 50/50 beside them)."""
    return [b for b in buttons(message) if b["custom_id"].startswith("quiz:")]


def revealed(message_id: str) -> Any:
    def match(m: dict[str, Any]) -> bool:
        return m["id"] == message_id and all(b.get("disabled") for b in buttons(m))
    return match


async def answer_key(services: Services, message: dict[str, Any]) -> int:
    round_id, index = (int(x) for x in buttons(message)[0]["custom_id"].split(":")[1:3])
    async with services.engine.connect() as conn:
        return int((await conn.execute(sa.text(
            "SELECT answer_index FROM quiz_round_question WHERE round_id=:r AND \"index\"=:i"),
            {"r": round_id, "i": index})).scalar_one())


async def rows(services: Services, sql: str, **params: Any) -> list[Any]:
    async with services.engine.connect() as conn:
        return list((await conn.execute(sa.text(sql), params)).all())


async def test_a_full_round(quick: LocalDiscord, services: Services) -> None:
    alice, bob, carol, dave = (quick.member(n) for n in ("alice", "bob", "carol", "dave"))
    start = await quick.invoke("/quiz start questions:5 topic:defectors", user=alice)
    assert not start.ephemeral
    assert "5 questions" in start.embed["description"]
    q0 = await quick.wait_for_message(is_question(0))
    key = await answer_key(services, q0)
    wrong = (key + 1) % len(answer_buttons(q0))
    right_click = await quick.click(q0, index=key, user=bob)
    assert right_click.ephemeral
    assert right_click.content.startswith("🔒 Locked in")
    wrong_click = await quick.click(q0, index=wrong, user=carol)
    assert wrong_click.content.startswith("🔒 Locked in")  # no hint before the reveal
    twice = await quick.click(q0, index=wrong, user=bob)
    assert twice.ephemeral
    assert twice.content == "You already answered this question."
    reveal = await quick.wait_for_message(revealed(q0["id"]), timeout=5)
    embed = reveal["embeds"][0]
    letter = "ABCD"[key]
    assert embed["title"].endswith(f"the answer is {letter}")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert {"Answer", "Why", "Source", "As of", "Got it right"} <= set(fields)
    assert f"<@{bob.id}> +" in fields["Got it right"]
    assert f"<@{carol.id}>" not in fields["Got it right"]
    assert fields["Answers"] == "2 answered, 1 right"
    styles = [b["style"] for b in buttons(reveal)]
    assert styles[key] == 3  # the right option turns green
    # Dave's client still shows the question: his click arrives after the time is up.
    late = await quick.click(q0, index=key, user=dave, as_seen=True)
    assert late.content == "Time's up for this question."
    # The rest of the round: Bob answers every question right.
    for index in range(1, 5):
        q = await quick.wait_for_message(is_question(index), timeout=5)
        click = await quick.click(q, index=await answer_key(services, q), user=bob)
        assert click.content.startswith("🔒 Locked in")
    board = await quick.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"] == "Round over — final scores",
        timeout=8)
    lines = board["embeds"][0]["description"].splitlines()
    assert lines[0].startswith(f"**1.** <@{bob.id}>")
    assert "(5 right)" in lines[0]
    assert lines[1].startswith(f"**2.** <@{carol.id}> — 0 points")
    answers = await rows(services, "SELECT user_id, question_index, correct, points, elapsed_ms "
                                   "FROM quiz_answer ORDER BY question_index")
    assert len(answers) == 6  # bob ×5, carol ×1; dave's late click and bob's second: none
    bob_rows = [a for a in answers if a[0] == bob.id]
    for streak, (_, index, correct, points, elapsed_ms) in enumerate(bob_rows):
        assert correct
        difficulty = (await rows(services, "SELECT difficulty FROM quiz_round_question WHERE "
                                           "\"index\" = :i", i=index))[0][0]
        assert points == scoring.points(difficulty, elapsed_ms / 1000, TIME_LIMIT, streak)
    total = sum(a[3] for a in bob_rows)
    assert f"— {total:,} points" in lines[0]  # thousands separators, as everywhere
    assert (await rows(services, "SELECT status, active_channel_id FROM quiz_round")) == [
        ("finished", None)]


async def test_a_round_nobody_answers_stops_after_three_questions(quick: LocalDiscord) -> None:
    await quick.invoke("/quiz start questions:10")
    board = await quick.wait_for_message(
        lambda m: bool(m["embeds"]) and "no answers for 3 questions" in m["embeds"][0]["title"],
        timeout=10)
    assert board["embeds"][0]["description"] == "Nobody scored this round."
    questions = [m for m in quick.channel_messages() if buttons(m)]
    assert len(questions) == 3


async def test_fifty_players_at_once_are_each_counted_once(quick: LocalDiscord,
                                                           services: Services) -> None:
    await config.save_config(services.engine, quick.guild.id,
                             QuizConfig(time_limit=5, reveal_pictures=False))
    players = [quick.member(f"player{i}") for i in range(50)]
    await quick.invoke("/quiz start questions:5", user=players[0])
    q0 = await quick.wait_for_message(is_question(0))
    key = await answer_key(services, q0)
    # Everyone clicks twice at the same moment (double-clicks, two devices …).
    clicks = [await quick.click(q0, index=(key + i) % 2 if i % 3 else key, user=p, wait=False)
              for i, p in enumerate(players) for _ in range(2)]
    await asyncio.gather(*(c.wait(10) for c in clicks))
    replies = [c.content for c in clicks]
    assert replies.count("You already answered this question.") == 50
    assert sum(r.startswith("🔒 Locked in") for r in replies) == 50
    for p in players:
        mine = [c.content for c in clicks if c.interaction.user_id == p.id]
        assert sorted(mine)[0].startswith("You already")
        assert mine != [mine[0]] * 2
    recorded = await rows(services, "SELECT user_id FROM quiz_answer")
    assert sorted(r[0] for r in recorded) == sorted(p.id for p in players)
    reveal = await quick.wait_for_message(revealed(q0["id"]), timeout=8)
    answered = {f["name"]: f["value"] for f in reveal["embeds"][0]["fields"]}["Answers"]
    assert answered.startswith("50 answered")


async def test_one_round_per_channel(quick: LocalDiscord, services: Services) -> None:
    first = await quick.invoke("/quiz start")
    second = await quick.invoke("/quiz start", user=quick.member("bob"))
    assert second.ephemeral
    assert second.content.startswith("A round is already running in this channel: ")
    url = re.search(r"https://discord.com/channels/\S+", second.content)
    assert url is not None
    assert url.group(0).endswith(f"/{quick.channel.id}/{first.message['id']}")
    other = next(c for c in quick.guild.channels.values() if c.id != quick.channel.id)
    elsewhere = await quick.invoke("/quiz start", channel=other)
    assert not elsewhere.ephemeral
    running = await rows(services, "SELECT count(*) FROM quiz_round WHERE status='running'")
    assert running == [(2,)]


async def test_stop_by_the_starter_or_a_moderator_only(quick: LocalDiscord,
                                                       services: Services) -> None:
    await config.save_config(services.engine, quick.guild.id,
                             QuizConfig(time_limit=30, reveal_pictures=False))
    alice, bob = quick.member("alice"), quick.member("bob")
    await quick.invoke("/quiz start", user=alice)
    refused = await quick.invoke("/quiz stop", user=bob)
    assert refused.ephemeral
    assert "Only the member who started this round or a moderator" in refused.content
    stopped = await quick.invoke("/quiz stop", user=quick.member("mod", moderator=True))
    assert stopped.ephemeral
    board = await quick.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith("Round stopped"))
    assert {f["name"]: f["value"] for f in board["embeds"][0]["fields"]}["Stopped by"] == \
        f"<@{quick.member('mod').id}>"
    nothing = await quick.invoke("/quiz stop", user=alice)
    assert nothing.content == "No quiz round is running in this channel."
    await quick.invoke("/quiz start", user=alice)
    by_starter = await quick.invoke("/quiz stop", user=alice)
    assert by_starter.content == "Stopping the round…"


async def test_quiz_commands_work_in_servers_only(quick: LocalDiscord) -> None:
    from bot.local.standin.invocation import OptionRefused

    with pytest.raises(OptionRefused, match="not available in direct messages"):
        await quick.invoke("/quiz start", dm=True)


async def test_stats_and_leaderboard_after_a_round(quick: LocalDiscord,
                                                   services: Services) -> None:
    bob = quick.member("bob")
    await quick.invoke("/quiz start questions:5", user=bob)
    q0 = await quick.wait_for_message(is_question(0))
    await quick.click(q0, index=await answer_key(services, q0), user=bob)
    q1 = await quick.wait_for_message(is_question(1), timeout=5)
    key1 = await answer_key(services, q1)
    await quick.click(q1, index=(key1 + 1) % len(answer_buttons(q1)), user=bob)
    await quick.wait_for_message(revealed(q1["id"]), timeout=5)
    stats = (await quick.invoke(f"/quiz stats member:<@{bob.id}>")).embed
    fields = {f["name"]: f["value"] for f in stats["fields"]}
    assert fields["Answered"] == "2"
    assert fields["Correct"] == "1"
    assert fields["Accuracy"] == "50%"
    assert fields["Current streak"] == "0"
    assert fields["Best streak"] == "1"
    points = (await rows(services, "SELECT sum(points) FROM quiz_answer"))[0][0]
    assert fields["Points"] == str(points)
    board = (await quick.invoke("/leaderboard")).embed
    assert board["description"] == f"**1.** <@{bob.id}> — {points:,} points"
