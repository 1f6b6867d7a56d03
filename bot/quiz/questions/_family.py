"""What a question family is: a named generator with its topic and possible difficulties."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.facts.records import Facts
from bot.quiz.questions.model import Difficulty, Question, Topic

Build = Callable[[Facts, random.Random], Question | None]


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    topic: Topic
    # Every difficulty the generator can produce, so a difficulty filter never spins on a
    # family that cannot satisfy it.
    difficulties: frozenset[Difficulty]
    build: Build  # returns None when its random parameters give no fair question

    def __call__(self, facts: Facts, rng: random.Random) -> Question | None:
        return self.build(facts, rng)


def family(name: str, topic: Topic, *difficulties: Difficulty) -> Callable[[Build], Family]:
    """Decorator turning a ``(facts, rng) -> Question | None`` function into a Family."""

    def wrap(build: Build) -> Family:
        return Family(name, topic, frozenset(difficulties), build)

    return wrap
