"""The registry of text steps (see localize.py): a module of its own, so the steps
(``_texts.py``) and :func:`localize` both import it and not each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.facts.records import Facts
from bot.quiz.questions.model import Question


@dataclass(frozen=True, slots=True)
class Texts:
    text: str
    options: tuple[str, ...]
    explanation: str


TextStep = Callable[[Question, Facts], Texts]
_STEPS: dict[str, TextStep] = {}


def texts(*families: str) -> Callable[[TextStep], TextStep]:
    """Decorator registering a text step for ``families``."""

    def wrap(step: TextStep) -> TextStep:
        for name in families:
            _STEPS[name] = step
        return step

    return wrap


def translated_families() -> frozenset[str]:
    return frozenset(_STEPS)
