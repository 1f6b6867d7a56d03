"""Solver for questions from the articles' text: the row's own answer, looked up by key."""

from __future__ import annotations

import re

from bot.facts.records import Facts
from bot.quiz.questions import _policy as policy
from bot.quiz.questions._family import Solver, solver
from bot.quiz.questions._solve_common import need
from bot.quiz.questions._sources import named
from bot.quiz.questions._truth import Problem
from bot.quiz.questions.model import Question


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _solve(topic: str) -> Solver:
    def solve(q: Question, facts: Facts) -> set[int]:
        key = need(q, "key")
        row = next((a for a in facts.article_facts if a.key == key), None)
        if row is None:
            raise Problem(f"no article fact with key {key!r}")
        if row.topic != topic:
            raise Problem(f"article fact {key!r} is about {row.topic}, not {topic}")
        if row.question not in q.text and named(row.question, topic) not in q.text:
            raise Problem("the text is not the article fact's question")
        allowed = {_norm(row.answer), *(_norm(d) for d in row.distractors)}
        for o in q.options:
            if _norm(o) not in allowed:
                raise Problem(f"option {o!r} is neither the fact's answer nor its distractors")
        _numeric_band(q.options, row.answer)
        return {i for i, o in enumerate(q.options) if _norm(o) == _norm(row.answer)}

    return solve


def _numeric_band(options: tuple[str, ...], answer: str) -> None:
    """Numeric options (years included) must lie within ×0.25–×4 of the answer."""
    if not all(re.fullmatch(r"[\d,]+", o) for o in (*options, answer)):
        return
    truth = int(answer.replace(",", ""))
    for o in options:
        v = int(o.replace(",", ""))
        if not policy.BAND_LOW * truth <= v <= policy.BAND_HIGH * truth:
            raise Problem(f"distractor {o} is implausibly far from the answer {answer} "
                          f"(allowed ×{policy.BAND_LOW}–×{policy.BAND_HIGH})")


solver("article_defectors")(_solve("defectors"))
solver("article_recognition")(_solve("recognition"))
