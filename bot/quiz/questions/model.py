"""The quiz question record, and the limits every question must fit.

A question is plain, frozen data so it can be logged, serialized to JSON lines by the sample
CLI, stored with a round, and re-checked later by :func:`bot.quiz.questions.validator.validate`
from its ``params`` alone.

``as_of`` convention (what date a question's answer holds for):

* recognition questions: the date the statuses are taken at, also written in the text;
* defectors questions: 31 December of the last single calendar year in the data (2025-12-31
  with the current files), because every figure asked is final for complete years up to then;
* questions from the articles' text: the date the article's own figures are stated for. The
  recognition article says "as of November 14, 2023"; the defectors article gives no
  publication date in the text we hold, and its newest figure is "2023 (as of June)", so its
  facts are dated 2023-06-30 rather than inventing a publication day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Topic = Literal["defectors", "recognition"]
Difficulty = Literal["easy", "medium", "hard"]

TOPICS: tuple[Topic, ...] = ("defectors", "recognition")
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")

# Discord: an embed title holds 256 characters and a button label 80.
MAX_TEXT = 256
MAX_OPTION = 80
# Explanations and sources go into embed fields (1,024 characters each).
MAX_FIELD = 1024
MIN_OPTIONS, MAX_OPTIONS = 2, 4

TRUE, FALSE = "True", "False"

ParamValue = int | str | tuple[int, ...] | tuple[str, ...]
PictureKind = Literal["chart", "map", "cumulative", "gender"]


@dataclass(frozen=True, slots=True)
class PictureRequest:
    """What a reveal should show, declared by the question's family. Discord-free: the
    adapter renders exactly this and never guesses from the family or the params.

    ``chart``: the yearly arrivals chart, with ``highlight`` (a single year) or ``span``;
    ``map``: the recognition map at ``as_of``;
    ``cumulative``: the running total of arrivals, with ``highlight`` (a single year);
    ``gender``: each year's arrivals split into women and men, with ``highlight``.
    """

    kind: PictureKind
    highlight: int | None = None
    span: tuple[int, int] | None = None
    as_of: dt.date | None = None

    @classmethod
    def chart(cls, *, highlight: int | None = None,
              span: tuple[int, int] | None = None) -> PictureRequest:
        return cls("chart", highlight=highlight, span=span)

    @classmethod
    def map_at(cls, as_of: dt.date) -> PictureRequest:
        return cls("map", as_of=as_of)

    @classmethod
    def cumulative(cls, *, highlight: int | None = None) -> PictureRequest:
        return cls("cumulative", highlight=highlight)

    @classmethod
    def gender(cls, *, highlight: int | None = None) -> PictureRequest:
        return cls("gender", highlight=highlight)


def freeze_params(params: Mapping[str, ParamValue]) -> Mapping[str, ParamValue]:
    """A read-only copy, with lists turned into tuples so a question stays immutable."""
    frozen = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    return MappingProxyType(frozen)


# FACT KEYS, the shared vocabulary of ``subjects`` / ``asks`` / ``reveals`` (strings, so a
# round's history can store them):
#   defectors: "arrivals:<year>" (a single year's total), "women:<year>", "men:<year>",
#     "cumulative:<year>" (the running total at the end of that year), "span:<a>-<b>" (a span's
#     total), "rank:<year>", "extreme:<peak|lowest|largest_fall|largest_rise>[:<a>-<b>]",
#     "bucket:<label>" (MOU's ~1998, 1999-2001, 2023-H1 rows);
#   recognition: "israel:<ISO3>", "palestine:<ISO3>" (a state's status),
#     "israel_date:<ISO3>", "palestine_date:<ISO3>" (its recognition date),
#     "relations:<ISO3>", "count:<israel|palestine|both|...>@<date>", "group:<name>";
#   articles: "article:<row key>";
#   subjects additionally: "year:<year>", "state:<ISO3>", "span:<a>-<b>", "date:<date>".


@dataclass(frozen=True, slots=True)
class Question:
    id: str  # family plus parameters, e.g. "arrivals_in_year:2012"
    family: str
    topic: Topic
    difficulty: Difficulty
    text: str
    options: tuple[str, ...]
    answer_index: int
    explanation: str
    source: str
    as_of: dt.date
    # What the validator re-derives the answer from. Excluded from hashing: a mapping is not
    # hashable, and the id already identifies the question.
    params: Mapping[str, ParamValue] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    # The reveal's picture; None where no picture helps (e.g. facts from an article's text).
    picture: PictureRequest | None = None
    # What a round's selector needs to keep a round fair (see FACT KEYS below):
    # ``subjects``: what the question is about ("year:2010", "state:TTO", "span:2005-2010"):
    #   a round never asks two questions on one subject;
    # ``asks``: the facts its answer rests on; ``reveals``: the facts its explanation, reveal
    #   and picture state. A question whose ``asks`` meet the ``asks`` or ``reveals`` of an
    #   earlier question in the same round would be given away, so it is not drawn.
    subjects: frozenset[str] = frozenset()
    asks: frozenset[str] = frozenset()
    reveals: frozenset[str] = frozenset()

    @property
    def answer(self) -> str:
        return self.options[self.answer_index]

    def to_json_dict(self) -> dict[str, object]:
        """Exactly the keys the sample CLI prints (scripted checks depend on them)."""
        return {
            "id": self.id,
            "family": self.family,
            "topic": self.topic,
            "difficulty": self.difficulty,
            "text": self.text,
            "options": list(self.options),
            "answer_index": self.answer_index,
            "explanation": self.explanation,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
        }
