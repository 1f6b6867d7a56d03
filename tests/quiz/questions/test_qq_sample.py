"""``python -m bot quiz-sample``: the JSON-lines form scripted checks depend on."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.quiz.questions.registry import FAMILIES
from bot.quiz.questions.sample import main

KEYS = {"id", "family", "topic", "difficulty", "text", "options", "answer_index",
        "explanation", "source", "as_of"}


def _lines(capsys) -> list[dict]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def test_json_lines_have_exactly_the_keys_and_valid_values(facts, capsys) -> None:
    assert main(["--count", "40", "--seed", "3", "--json"], facts) == 0
    rows = _lines(capsys)
    assert len(rows) == 40
    for row in rows:
        assert set(row) == KEYS
        assert row["family"] in FAMILIES
        assert row["id"].startswith(row["family"])
        assert row["topic"] in ("defectors", "recognition")
        assert row["topic"] == FAMILIES[row["family"]].topic
        assert row["difficulty"] in ("easy", "medium", "hard")
        assert isinstance(row["options"], list)
        assert 2 <= len(row["options"]) <= 4
        assert all(isinstance(o, str) and 0 < len(o) <= 80 for o in row["options"])
        assert len(set(row["options"])) == len(row["options"])
        assert type(row["answer_index"]) is int
        assert 0 <= row["answer_index"] < len(row["options"])
        assert 0 < len(row["text"]) <= 256
        assert row["explanation"]
        assert "http" in row["source"]
        assert dt.date.fromisoformat(row["as_of"]).isoformat() == row["as_of"]
        if row["family"].startswith("article_"):
            # Historical facts (1948, 1993) carry no as-of date; dated rows say "As of
            # November 2023" themselves.
            assert "data as of" not in row["text"]
        elif row["topic"] == "recognition":
            shown = dt.date.fromisoformat(row["as_of"])
            # The latest data date is shown by its label ("latest data, December 2025").
            assert (f"{shown.day} {shown:%B %Y}" in row["text"]
                    or f"latest data, {shown:%B %Y}" in row["text"])


def test_json_is_not_ascii_escaped(facts, capsys) -> None:
    main(["--count", "200", "--seed", "4", "--json"], facts)
    out = capsys.readouterr().out
    assert "\\u" not in out
    assert any(ch in out for ch in "–→−ô")  # en dash, arrow, minus sign, Côte d'Ivoire…


def test_same_seed_prints_the_same(facts, capsys) -> None:
    main(["--count", "20", "--seed", "5", "--json"], facts)
    first = capsys.readouterr().out
    main(["--count", "20", "--seed", "5", "--json"], facts)
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("topic", ["defectors", "recognition"])
def test_topic_and_difficulty_filters(facts, capsys, topic) -> None:
    main(["--count", "15", "--seed", "6", "--topic", topic, "--difficulty", "hard", "--json"],
         facts)
    rows = _lines(capsys)
    assert len(rows) == 15
    assert {r["topic"] for r in rows} == {topic}
    assert {r["difficulty"] for r in rows} == {"hard"}


def test_text_form(facts, capsys) -> None:
    assert main(["--count", "3", "--seed", "7"], facts) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [")
    assert out.count("* ") == 3  # one marked answer per question
    with pytest.raises(json.JSONDecodeError):
        json.loads(out.splitlines()[0])


def test_leading_subcommand_name_is_accepted(facts, capsys) -> None:
    assert main(["quiz-sample", "--count", "2", "--seed", "1", "--json"], facts) == 0
    assert len(_lines(capsys)) == 2


@pytest.mark.parametrize("argv", [
    ["--count", "0", "--seed", "1"],
    ["--count", "-3", "--seed", "1"],
    ["--count", "two", "--seed", "1"],
    ["--count", "5"],
    ["--seed", "1"],
    ["--count", "5", "--seed", "1", "--topic", "sports"],
    ["--count", "5", "--seed", "1", "--difficulty", "brutal"],
    ["--count", "5", "--seed", "x"],
    ["--count", "5", "--seed", "1", "--bogus"],
])
def test_bad_arguments_are_a_usage_error(facts, capsys, argv) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv, facts)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m bot quiz-sample")
