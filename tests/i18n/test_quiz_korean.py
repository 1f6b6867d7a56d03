"""Quiz rounds in Korean, through the real client against the stand-in: the round's public
messages in the server's language (its Discord locale, or ``/quizadmin settings set
language``), each member's receipts in their own client's language, one question for all."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import lang_for
from bot.local.driver import LocalDiscord, buttons
from bot.quiz import config
from bot.quiz.config import QuizConfig
from bot.quiz.questions.localize import localize
from bot.services import Services
from tests.cogs.test_quiz import answer_buttons, answer_key, is_question, revealed


@pytest.fixture
async def quick(discord: LocalDiscord, services: Services) -> LocalDiscord:
    services.quiz.intermission = 0
    services.quiz.lead_in = 0
    await config.save_config(services.engine, discord.guild.id,
                             QuizConfig(time_limit=2, default_questions=5,
                                        reveal_pictures=False))
    return discord


def final_board(m: dict[str, Any]) -> bool:
    return bool(m["embeds"]) and m["embeds"][0]["title"].startswith("라운드 ")


async def test_a_korean_server_with_one_english_member(quick: LocalDiscord,
                                                       services: Services) -> None:
    quick.guild.locale = "ko"
    minji, bob = quick.member("minji"), quick.member("bob")
    minji.locale = "ko"  # bob keeps his English client (en-US)
    start = await quick.invoke("/quiz start questions:5 topic:defectors", user=minji)
    assert start.embed["title"] == "퀴즈 라운드 시작"
    assert start.embed["description"].startswith("5문제 · 탈북민 입국 · 문제당 2초.")
    q0 = await quick.wait_for_message(is_question(0))
    embed = q0["embeds"][0]
    assert embed["title"] == "5문제 중 1번째"
    assert [f["name"] for f in embed["fields"]] == ["보기", "답변 마감", "답변"]
    assert "점 + 속도 보너스" in embed["footer"]["text"]
    key = await answer_key(services, q0)
    # The question in the round's language, rendered from the very question the round asks.
    runner = next(iter(services.quiz.runners.values()))
    assert runner.current is not None
    asked = localize(runner.current.question, lang_for("ko"))
    assert embed["description"] == asked.text
    assert [b["label"][3:] for b in answer_buttons(q0)] == [o[:77] for o in asked.options]
    # The same message, the same buttons: both answer the same question and option.
    english = await quick.click(q0, index=key, user=bob)
    assert english.ephemeral
    assert english.content.startswith(f"🔒 Locked in: **{'ABCD'[key]}**")
    korean = await quick.click(q0, index=key, user=minji)
    assert korean.ephemeral
    assert korean.content.startswith(f"🔒 답변 확정: **{'ABCD'[key]}**")
    again = await quick.click(q0, index=key, user=bob)
    assert again.content == "You already answered this question."
    again_ko = await quick.click(q0, index=key, user=minji)
    assert again_ko.content == "이미 이 문제에 답했습니다."
    reveal = await quick.wait_for_message(revealed(q0["id"]), timeout=5)
    shown = reveal["embeds"][0]
    assert shown["title"] == f"5문제 중 1번째 — 정답은 {'ABCD'[key]}"
    fields = {f["name"]: f["value"] for f in shown["fields"]}
    assert {"정답", "해설", "출처", "기준일", "맞힌 사람"} <= set(fields)
    assert fields["답변"] == "2명 답변, 2명 정답"
    # The question's own as-of date (most are year ends, a few mid-year), in Korean.
    assert fields["기준일"] == lang_for("ko").data_date(asked.as_of.isoformat())
    assert fields["기준일"].endswith("일")
    assert "년 " in fields["기준일"]
    assert f"<@{bob.id}> +" in fields["맞힌 사람"]
    assert f"<@{minji.id}> +" in fields["맞힌 사람"]
    late = await quick.click(q0, index=key, user=bob, as_seen=True)
    assert late.content == "Time's up for this question."
    board = await quick.wait_for_message(final_board, timeout=15)
    # Nobody answers the next three: the round stops itself, in Korean.
    assert board["embeds"][0]["title"] == "라운드 중지: 3문제 연속 답변이 없었습니다"
    first = board["embeds"][0]["description"].splitlines()[0]
    assert first.startswith("**1위** <@")
    assert "점 (정답 1개)" in first
    assert board["embeds"][0]["footer"]["text"] == "점수는 이 서버의 /순위표에 반영됩니다."


async def test_the_language_setting_overrides_the_server_locale(quick: LocalDiscord,
                                                                 services: Services) -> None:
    # An English-locale server that chose Korean rounds …
    cfg = await config.get_config(services.engine, quick.guild.id)
    await config.save_config(services.engine, quick.guild.id,
                             QuizConfig(**{**cfg.__dict__, "language": "ko"}))
    start = await quick.invoke("/quiz start questions:5 topic:defectors")
    assert start.embed["title"] == "퀴즈 라운드 시작"
    q0 = await quick.wait_for_message(is_question(0))
    assert q0["embeds"][0]["title"] == "5문제 중 1번째"
    stop = await quick.invoke("/quiz stop")  # the member's own client: English
    assert stop.content == "Stopping the round…"
    board = await quick.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith("라운드 중지"),
        timeout=8)
    assert board["embeds"][0]["title"] == "라운드 중지 — 지금까지의 점수"


async def test_english_rounds_on_a_korean_server(quick: LocalDiscord,
                                                 services: Services) -> None:
    quick.guild.locale = "ko"
    quick.user.locale = "ko"
    await config.save_config(services.engine, quick.guild.id, QuizConfig())
    saved = await quick.invoke("/quizadmin settings set language:en",
                               user=quick.member("mod", moderator=True))
    fields = {f["name"]: f["value"] for f in saved.embed["fields"]}
    assert fields["Language of rounds"] == "English"
    cfg = await config.get_config(services.engine, quick.guild.id)
    assert cfg.language == "en"
    await config.save_config(services.engine, quick.guild.id,
                             QuizConfig(**{**cfg.__dict__, "time_limit": 2}))
    start = await quick.invoke("/quiz start questions:5 topic:defectors")
    assert start.embed["title"] == "Quiz round starting"
    q0 = await quick.wait_for_message(is_question(0))
    assert q0["embeds"][0]["title"] == "Question 1 of 5"
    assert buttons(q0)
