"""The 50/50 lifeline through the stand-in: the pair shown, halved points, the limit, a press
racing an answer, and nobody else ever seeing the pair."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.local.driver import LocalDiscord, OptionRefused, buttons
from bot.quiz import config, scoring
from bot.quiz.config import QuizConfig
from bot.quiz.lifelines import fifty_fifty_pair
from bot.quiz.questions.model import Question
from bot.services import Services
from tests.cogs.test_quiz import answer_buttons, answer_key, is_question, revealed, rows

TIME_LIMIT = 4


@pytest.fixture
async def quick(discord: LocalDiscord, services: Services) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=TIME_LIMIT, default_questions=5,
                                        reveal_pictures=False))
    draw = services.quiz.selector.draw

    async def four_options(**kw: Any) -> list[Question]:
        # The 50/50 is for questions of four options or more: rounds of those only.
        found: list[Question] = []
        for seed in range(40):
            found += [q for q in await draw(**{**kw, "count": 20, "seed": seed, "topic": "mixed"})
                      if len(q.options) >= 4 and q.id not in {f.id for f in found}]
            if len(found) >= kw["count"]:
                return found[:kw["count"]]
        raise AssertionError("not enough 4-option questions")

    services.quiz.selector.draw = four_options  # type: ignore[method-assign]
    return discord


def fifty_button(message: dict[str, Any]) -> str:
    [found] = [b["custom_id"] for b in buttons(message) if b["custom_id"].startswith("quiz5050:")]
    return found


def ids(message: dict[str, Any]) -> tuple[int, int]:
    round_id, index = (int(x) for x in answer_buttons(message)[0]["custom_id"].split(":")[1:3])
    return round_id, index


async def test_the_pair_is_private_stable_and_answers_for_half(quick: LocalDiscord,
                                                                services: Services) -> None:
    alice, bob = quick.member("alice"), quick.member("bob")
    await quick.invoke("/quiz start questions:5 topic:recognition", user=alice)
    q0 = await quick.wait_for_message(is_question(0))
    assert len(answer_buttons(q0)) >= 4
    key = await answer_key(services, q0)
    press = await quick.click(q0, custom_id=fifty_button(q0), user=bob)
    assert press.ephemeral  # only bob sees it
    assert press.message is not None
    shown = [int(b["custom_id"].split(":")[3]) for b in buttons(press.message)]
    round_id, index = ids(q0)
    assert len(shown) == 2
    assert key in shown
    assert tuple(shown) == fifty_fifty_pair(round_id, index, bob.id, len(answer_buttons(q0)), key)
    again = await quick.click(q0, custom_id=fifty_button(q0), user=bob)  # same pair, no cost
    assert again.message is not None
    assert [b["custom_id"] for b in buttons(again.message)] == \
        [b["custom_id"] for b in buttons(press.message)]
    # Privacy: alice cannot press bob's pair, and no channel message shows a pair.
    with pytest.raises(OptionRefused):
        await quick.click(press.message, index=0, user=alice)
    assert all(len(answer_buttons(m)) != 2 for m in quick.channel_messages())
    assert str(key) not in (press.message.get("content") or "").split()
    click = await quick.click(press.message, index=shown.index(key), user=bob)
    assert click.content.startswith("🔒 Locked in")
    reveal = await quick.wait_for_message(revealed(q0["id"]), timeout=TIME_LIMIT + 4)
    fields = {f["name"]: f["value"] for f in reveal["embeds"][0]["fields"]}
    assert fields["Lifelines"] == f"<@{bob.id}> used 50/50"
    assert not any(b["custom_id"].startswith("quiz5050:") for b in buttons(reveal))
    [(points, elapsed_ms, difficulty)] = await rows(
        services, "SELECT a.points, a.elapsed_ms, q.difficulty FROM quiz_answer a JOIN "
                  "quiz_round_question q ON q.round_id = a.round_id AND q.\"index\" = "
                  "a.question_index WHERE a.user_id = :u", u=bob.id)
    assert points == scoring.points(difficulty, elapsed_ms / 1000, TIME_LIMIT, 0, halved=True)
    assert points < scoring.points(difficulty, elapsed_ms / 1000, TIME_LIMIT, 0)
    assert await rows(services, "SELECT count(*) FROM quiz_lifeline") == [(1,)]


def test_halved_points_are_half_the_base_and_half_the_speed_bonus() -> None:
    assert scoring.points("medium", 0, 20, 0) == 150 + 75
    assert scoring.points("medium", 0, 20, 0, halved=True) == 75 + 38  # round(37.5)
    assert scoring.points("hard", 10, 20, 3, halved=True) == 100 + 25 + 30  # streak unchanged


async def test_one_fifty_fifty_per_round_and_none_after_answering(quick: LocalDiscord,
                                                                   services: Services) -> None:
    bob, carol = quick.member("bob"), quick.member("carol")
    await quick.invoke("/quiz start questions:5 topic:recognition", user=bob)
    q0 = await quick.wait_for_message(is_question(0))
    await quick.click(q0, index=await answer_key(services, q0), user=carol)
    late = await quick.click(q0, custom_id=fifty_button(q0), user=carol)
    assert late.content.startswith("You already answered this question")
    assert late.message is not None
    assert not buttons(late.message)
    first = await quick.click(q0, custom_id=fifty_button(q0), user=bob)
    assert first.message is not None
    assert len(buttons(first.message)) == 2
    q1 = await quick.wait_for_message(is_question(1), timeout=TIME_LIMIT + 4)
    second = await quick.click(q1, custom_id=fifty_button(q1), user=bob)
    assert second.content == "You have used your 50/50 for this round (1 per round)."
    assert await rows(services, "SELECT user_id, question_index FROM quiz_lifeline") == [
        (bob.id, 0)]


async def test_the_setting_turns_the_button_off(quick: LocalDiscord, services: Services) -> None:
    await config.save_config(services.engine, quick.guild.id,
                             QuizConfig(time_limit=TIME_LIMIT, reveal_pictures=False,
                                        fifty_fifty=False))
    await quick.invoke("/quiz start questions:5 topic:recognition")
    q0 = await quick.wait_for_message(is_question(0))
    assert not any(b["custom_id"].startswith("quiz5050:") for b in buttons(q0))


async def test_a_press_and_an_answer_at_once_count_once(quick: LocalDiscord,
                                                        services: Services) -> None:
    players = [quick.member(f"p{i}") for i in range(20)]
    await quick.invoke("/quiz start questions:5 topic:recognition", user=players[0])
    q0 = await quick.wait_for_message(is_question(0))
    key = await answer_key(services, q0)
    presses, answers = [], []
    for i, p in enumerate(players):  # half press first, half answer first: same moment
        pair = [quick.click(q0, custom_id=fifty_button(q0), user=p, wait=False),
                quick.click(q0, index=key, user=p, wait=False)]
        first, second = (await pair[0], await pair[1]) if i % 2 else \
            (await pair[1], await pair[0])
        press, answer = (first, second) if i % 2 else (second, first)
        presses.append(press)
        answers.append(answer)
    await asyncio.gather(*(c.wait(10) for c in presses + answers))
    assert all(a.content.startswith("🔒 Locked in") for a in answers)
    reveal = await quick.wait_for_message(revealed(q0["id"]), timeout=TIME_LIMIT + 6)
    assert reveal
    got = {int(u): (int(pts), int(ms)) for u, pts, ms in await rows(
        services, "SELECT user_id, points, elapsed_ms FROM quiz_answer")}
    used = {int(u) for (u,) in await rows(services, "SELECT user_id FROM quiz_lifeline")}
    [(difficulty,)] = await rows(services, "SELECT difficulty FROM quiz_round_question WHERE \"index\" = 0")
    assert len(got) == 20
    for p, press in zip(players, presses, strict=True):
        shown = press.message is not None and bool(buttons(press.message))
        assert shown == (p.id in used)  # a pair seen is a use recorded, and the reverse
        pts, ms = got[p.id]
        # A pair seen means the answer was halved: never the pair after a full-points answer.
        assert pts == scoring.points(difficulty, ms / 1000, TIME_LIMIT, 0, halved=shown)
