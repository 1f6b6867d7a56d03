"""Question families from the articles' own text (``data/article_facts.csv``).

The rows are hand-checked multiple-choice facts with their own answer and distractors. Numeric
distractors outside the plausibility band (×0.25–×4 of the answer) are dropped here, as the
validator would reject them; a row left with no distractor is not asked at all.
"""

from __future__ import annotations

import random
import re
from typing import cast

from bot.facts.records import ArticleFact, Facts
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._build import in_band, make, shuffled
from bot.quiz.questions._family import KEY, Family, family
from bot.quiz.questions._format import day
from bot.quiz.questions.model import Difficulty, Question, Topic

_INT = re.compile(r"\d{1,3}(,\d{3})*|\d+")

ARTICLE_DATE = {"recognition": policy.RECOGNITION_ARTICLE_DATE,
                "defectors": policy.DEFECTORS_ARTICLE_DATE}


def _value(text: str) -> int | None:
    return int(text.replace(",", "")) if _INT.fullmatch(text) else None


def fair_distractors(row: ArticleFact) -> list[str]:
    """The row's distractors, minus numeric ones outside the plausibility band."""
    answer = _value(row.answer)
    values = [_value(d) for d in row.distractors]
    if answer is None or any(v is None for v in values):
        return list(row.distractors)  # not a numeric question
    return [d for d, v in zip(row.distractors, values, strict=True)
            if v is not None and in_band(v, answer, policy.BAND_LOW, policy.BAND_HIGH)]


def _article_family(topic: Topic) -> Family:
    as_of = ARTICLE_DATE[topic]

    def build(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        rows = [a for a in facts.article_facts if a.topic == topic]
        if not rows:
            return None
        row = rng.choice(rows)
        distractors = fair_distractors(row)
        if not distractors:
            return None
        text = row.question
        if topic == "recognition":
            # Recognition questions always carry their date.
            text = f"{row.question} (Per the article, data as of {day(as_of)}.)"
        if _value(row.answer) is not None:
            options = sorted([row.answer, *distractors], key=lambda o: _value(o) or 0)
        else:
            options = shuffled(rng, row.answer, distractors)
        # read_facts() accepts only easy/medium/hard in this column.
        difficulty = cast(Difficulty, row.difficulty)
        # No picture: no chart or map shows a fact from the article's text.
        return make(fam, key=row.key, difficulty=difficulty, text=text, options=options,
                    answer=row.answer, explanation=row.explanation, source=row.source,
                    as_of=as_of, params={"key": row.key}, picture=None)

    build.__doc__ = f"Facts from the {topic} article's text."
    return family(f"article_{topic}", topic, "easy", "medium", "hard",
                  params={"key": KEY})(build)


article_defectors = _article_family("defectors")
article_recognition = _article_family("recognition")
