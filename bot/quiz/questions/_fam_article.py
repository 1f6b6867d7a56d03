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
from bot.quiz.questions._build import around, in_band, length_fair, make, shuffled
from bot.quiz.questions._family import KEY, Family, family
from bot.quiz.questions._sources import named
from bot.quiz.questions.model import Difficulty, Question, Topic

_INT = re.compile(r"\d{1,3}(,\d{3})*|\d+")
_FIGURE_YEAR = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+) \(((?:19|20)\d\d)\)")

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
        # No as-of date in the text: historical facts (1948, 1993) have none, and the rows
        # about November 2023 say so themselves.
        text = named(row.question, topic)
        answer = _value(row.answer)
        if answer is not None:
            # Numbers and years in order, the answer at a uniformly drawn rank among what the
            # row offers on each side (so "the middle one" is no strategy).
            values = {_value(d): d for d in distractors}
            k = min(3, len(values))
            below = sum(v is not None and v < answer for v in values)
            rank = rng.randint(max(0, k - (len(values) - below)), min(k, below))
            picked = around(rng, answer, sorted(v for v in values if v is not None), k,
                            lambda c, chosen: c not in chosen, rank)
            if picked is None:
                return None
            options = [values[v] if v != answer else row.answer
                       for v in sorted([answer, *picked])]
        else:
            options = shuffled(rng, row.answer, rng.sample(distractors, min(3, len(distractors))))
        # read_facts() accepts only easy/medium/hard in this column.
        difficulty = cast(Difficulty, row.difficulty)
        told = f"{row.question} {row.explanation}"
        reveals = {f"article:{a.key}" for a in facts.article_facts
                   if a.key != row.key and re.search(rf"(?<![\w,]){re.escape(a.answer)}(?![\w,])",
                                                     told)}
        # "arrivals fell from 1,047 (2019) to 229 (2020)": a year's total the text states is
        # revealed like any explanation's figure (the selector then spares that year).
        if topic == "defectors":
            reveals |= {f"arrivals:{y}" for n, y in _FIGURE_YEAR.findall(told)
                        if int(y) in facts.year_by_number
                        and facts.year_by_number[int(y)].total == int(n.replace(",", ""))}
        if topic == "recognition":
            # "Slovenia in 2024", "Canada recognized it on 21 September 2025": the article's
            # rows name states with their recognition of Palestine, so those are revealed.
            reveals |= {f"{k}:{m.iso3}" for m in facts.members if m.iso3 != "ISR"
                        and re.search(rf"(?<![\w-]){re.escape(m.name)}(?![\w-])", told)
                        for k in ("palestine", "palestine_date")}
        # No picture: no chart or map shows a fact from the article's text.
        return make(fam, key=row.key, difficulty=difficulty, text=text, options=options,
                    answer=row.answer, explanation=row.explanation, source=row.source,
                    as_of=as_of, params={"key": row.key}, picture=None,
                    subjects={f"article:{row.key}"}, asks={f"article:{row.key}"},
                    reveals={f"article:{row.key}", *reveals})

    build.__doc__ = f"Facts from the {topic} article's text."
    return family(f"article_{topic}", topic, "easy", "medium", "hard",
                  params={"key": KEY})(length_fair(build))


article_defectors = _article_family("defectors")
article_recognition = _article_family("recognition")
