"""The one registry of question families, by name, each with its topic, difficulties, declared
parameters and the validator's solver (see :mod:`bot.quiz.questions._family`)."""

from __future__ import annotations

from types import MappingProxyType

# Imported for their decorators: each registers its builders or solvers in REGISTRY.
from bot.quiz.questions import (  # noqa: F401
    _fam_article,
    _fam_defectors,
    _fam_recognition,
    _solve_article,
    _solve_defectors,
    _solve_recognition,
)
from bot.quiz.questions._family import (
    REGISTRY,
    Family,
    Param,
    Registry,
    RegistryError,
    Solver,
)
from bot.quiz.questions.model import Difficulty

__all__ = ["FAMILIES", "REGISTRY", "SOLVERS", "Family", "Param", "Registry", "RegistryError",
           "Solver", "families_for"]

# Builder modules in the generator's order (defectors, recognition, articles): the order is
# part of what a seed reproduces, so it is fixed here rather than left to import order.
_ORDER = (_fam_defectors.__name__, _fam_recognition.__name__, _fam_article.__name__)

# Raises RegistryError at import if a family has no solver or a solver no family.
FAMILIES: MappingProxyType[str, Family] = REGISTRY.families(_ORDER)
SOLVERS: MappingProxyType[str, Solver] = REGISTRY.solvers()


def families_for(topic: str = "mixed", difficulty: Difficulty | None = None) -> list[Family]:
    """Families that can produce questions of this topic and difficulty, in registry order."""
    return [f for f in FAMILIES.values()
            if topic in ("mixed", f.topic)
            and (difficulty is None or difficulty in f.difficulties)]
