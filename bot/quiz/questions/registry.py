"""The one registry of question families, by name, each with its topic and difficulties."""

from __future__ import annotations

from types import MappingProxyType

from bot.quiz.questions import _fam_article, _fam_defectors, _fam_recognition
from bot.quiz.questions._family import Family
from bot.quiz.questions.model import Difficulty


def _build() -> MappingProxyType[str, Family]:
    registry: dict[str, Family] = {}
    for fam in (*_fam_defectors.FAMILIES, *_fam_recognition.FAMILIES, *_fam_article.FAMILIES):
        if fam.name in registry:
            raise RuntimeError(f"question family {fam.name!r} registered twice")
        registry[fam.name] = fam
    return MappingProxyType(registry)


FAMILIES: MappingProxyType[str, Family] = _build()


def families_for(topic: str = "mixed", difficulty: Difficulty | None = None) -> list[Family]:
    """Families that can produce questions of this topic and difficulty, in registry order."""
    return [f for f in FAMILIES.values()
            if topic in ("mixed", f.topic)
            and (difficulty is None or difficulty in f.difficulties)]
