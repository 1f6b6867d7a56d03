"""Quiz questions in Korean from the same parameters: ``quiz-sample --locale ko`` prints the
same questions (ids, options' order, keys) as English for the same seed; every family has a
Korean text step and writes Korean with no English left; a family without one (none is
registered today) would fall back to English, logged once."""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest

from bot.facts.files import read_facts
from bot.facts.records import Facts
from bot.i18n import EN, lang_for
from bot.quiz.questions import FAMILIES, generate
from bot.quiz.questions.localize import _warned, localize, translated_families
from bot.quiz.questions.sample import main
from tests.i18n.english import english_words

KO = lang_for("ko")


@pytest.fixture(scope="module")
def facts() -> Facts:
    return read_facts()


def sample(facts: Facts, capsys: pytest.CaptureFixture[str], *extra: str,
           seed: int = 1) -> list[dict]:
    assert main(["--count", "200", "--seed", str(seed), "--json", *extra], facts) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def assert_korean(ko: dict) -> None:
    """No English left (ASCII words only from names, numbers and the allow-list), and the
    question itself in Hangul."""
    for text in (ko["text"], ko["explanation"], *ko["options"]):
        assert not english_words(text), (ko["id"], text)
    assert any("가" <= ch <= "힣" for ch in ko["text"]), ko["id"]


def test_every_family_has_a_korean_text_step() -> None:
    assert translated_families() == set(FAMILIES)


def test_korean_sample_has_the_same_questions_as_english(facts: Facts,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    english = sample(facts, capsys)
    korean = sample(facts, capsys, "--locale", "ko")
    assert len(korean) == len(english) == 200
    for en, ko in zip(english, korean, strict=True):
        assert ko["id"] == en["id"]
        assert ko["answer_index"] == en["answer_index"]
        assert len(ko["options"]) == len(en["options"])
        for key in ("family", "topic", "difficulty", "source", "as_of"):
            assert ko[key] == en[key]
    translated = [ko for ko in korean if ko["family"] in translated_families()]
    assert len(translated) == len(korean)  # every family: no question falls back to English
    for ko in translated:
        assert_korean(ko)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_korean_sample_question_is_korean(facts: Facts, seed: int,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    korean = sample(facts, capsys, "--locale", "ko", seed=seed)
    assert len(korean) == 200
    for ko in korean:
        assert_korean(ko)
    # Every family the round can draw shows up across the three seeds' 600 questions.
    assert len({ko["family"] for ko in korean}) >= 30


def test_every_article_row_is_asked_in_korean(facts: Facts) -> None:
    """The article rows are translated through the catalogue (context ``article``), each one:
    their figures with 명 / 개국, years with 년, dates written out, words translated."""
    seen = set()
    for topic in ("defectors", "recognition"):
        for q in generate(facts, 600, 7, topic, None):
            if not q.family.startswith("article_"):
                continue
            seen.add(q.params["key"])
            ko = localize(q, KO, facts)
            assert (ko.id, ko.answer_index, len(ko.options)) == \
                (q.id, q.answer_index, len(q.options))
            assert len(set(ko.options)) == len(ko.options)
            assert_korean({"id": ko.id, "text": ko.text, "explanation": ko.explanation,
                           "options": ko.options})
    assert seen == {a.key for a in facts.article_facts}


def test_english_sample_is_unchanged_by_the_option(facts: Facts,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert sample(facts, capsys, "--locale", "en") == sample(facts, capsys)


def test_every_translated_family_renders_its_questions(facts: Facts) -> None:
    assert translated_families() <= set(FAMILIES)
    for q in generate(facts, 600, 7, "mixed", None):
        ko = localize(q, KO, facts)
        assert (ko.id, ko.answer_index, ko.params, ko.picture) == \
            (q.id, q.answer_index, q.params, q.picture)
        assert localize(q, EN, facts) is q
        if q.family in translated_families():
            assert ko.text != q.text
            assert len(set(ko.options)) == len(ko.options)  # still four distinct buttons


@pytest.mark.parametrize(("text", "expected"), [("프랑스", "프랑스는"), ("미국", "미국은"),
                                                ("2021년", "2021년은"), ("Brasil", "Brasil은(는)")])
def test_korean_particles(text: str, expected: str) -> None:
    from bot.quiz.questions._texts import particle

    assert particle(text, "은", "는") == expected


def test_a_family_without_korean_falls_back_to_english_logged_once(
        facts: Facts, caplog: pytest.LogCaptureFixture) -> None:
    # Every real family has a text step now: a question of a family never registered stands
    # in for one added later without its Korean.
    untranslated = dataclasses.replace(generate(facts, 1, 2, "mixed", None)[0],
                                       family="a_family_without_korean")
    assert untranslated.family not in translated_families()
    _warned.discard(("ko", untranslated.family))
    with caplog.at_level(logging.WARNING, logger="bot.quiz.questions.localize"):
        assert localize(untranslated, KO, facts) is untranslated
        assert localize(untranslated, KO, facts) is untranslated
    assert len([r for r in caplog.records if untranslated.family in r.getMessage()]) == 1
