"""The registry of question families: one name, one builder, one solver, declared params.

A family is named once, in its builder's decorator::

    @family("arrivals_in_year", "defectors", "easy", "medium", "hard", params={"year": YEAR})
    def arrivals_in_year(fam: Family, facts: Facts, rng: Random) -> Question | None: ...

and its solver, written separately in a ``_solve_*.py`` module, registers under that name::

    @solver("arrivals_in_year")
    def arrivals_in_year(q: Question, facts: Facts) -> set[int]: ...

The builder receives its own :class:`Family` and passes it to ``make``, so the question's
``family``, ``topic`` and id come from the registration and are never typed again. The
declared parameter kinds drive the validator's structure checks: a parameter a family does
not declare, or one whose value is not of its kind, is refused.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.facts.records import Facts
from bot.quiz.questions.model import Difficulty, Question, Topic


class Param(StrEnum):
    """What a parameter holds; the validator checks each value by its kind."""

    YEAR = "year"  # a single calendar year of MOU's table (never ~1998, 1999-2001, 2023-H1)
    YEARS = "years"  # a tuple of such years
    CALENDAR_YEAR = "calendar_year"  # any year, e.g. when a state recognized Palestine
    NUMBER = "number"  # a positive whole number, e.g. a threshold
    STATE = "state"  # a member state's ISO3 code
    STATES = "states"  # the options' ISO3 codes in option order (not carried in the id)
    DATE = "date"  # an ISO date, "2025-12-09": the question's as_of
    KEY = "key"  # the key of an article fact row
    WORD = "word"  # one of the family's fixed statement kinds

    @property
    def in_id(self) -> bool:
        """Whether the question's id must carry the value (stable ids name one question;
        the states are the shuffled options, so their order is not part of the id)."""
        return self is not Param.STATES


YEAR, YEARS, CALENDAR_YEAR, NUMBER = Param.YEAR, Param.YEARS, Param.CALENDAR_YEAR, Param.NUMBER
STATE, STATES, DATE, KEY, WORD = Param.STATE, Param.STATES, Param.DATE, Param.KEY, Param.WORD

Build = Callable[["Family", Facts, random.Random], Question | None]
Solver = Callable[[Question, Facts], set[int]]


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    topic: Topic
    # Every difficulty the generator can produce, so a difficulty filter never spins on a
    # family that cannot satisfy it.
    difficulties: frozenset[Difficulty]
    params: Mapping[str, Param]  # every parameter its questions carry, with its kind
    build: Build  # returns None when its random parameters give no fair question

    def __call__(self, facts: Facts, rng: random.Random) -> Question | None:
        return self.build(self, facts, rng)


class RegistryError(RuntimeError):
    """A family without a solver, a solver without a family, or a name used twice."""


class Registry:
    """Builders and solvers by family name. The package has one (:data:`REGISTRY`); tests
    make their own to show what a broken registration looks like."""

    def __init__(self) -> None:
        self._families: dict[str, Family] = {}
        self._solvers: dict[str, Solver] = {}

    def family(self, name: str, topic: Topic, *difficulties: Difficulty,
               params: Mapping[str, Param] | None = None) -> Callable[[Build], Family]:
        """Decorator registering a ``(family, facts, rng) -> Question | None`` builder."""

        def wrap(build: Build) -> Family:
            if name in self._families:
                raise RegistryError(f"question family {name!r} registered twice")
            if not difficulties:
                raise RegistryError(f"question family {name!r} declares no difficulty")
            fam = Family(name, topic, frozenset(difficulties),
                         MappingProxyType(dict(params or {})), build)
            self._families[name] = fam
            return fam

        return wrap

    def solver(self, name: str) -> Callable[[Solver], Solver]:
        """Decorator registering the validator's solver for the family ``name``."""

        def wrap(solve: Solver) -> Solver:
            if name in self._solvers:
                raise RegistryError(f"a solver for {name!r} is registered twice")
            self._solvers[name] = solve
            return solve

        return wrap

    def problems(self) -> list[str]:
        out = [f"family {n!r} has no solver" for n in self._families if n not in self._solvers]
        out += [f"solver {n!r} has no family" for n in self._solvers if n not in self._families]
        return out

    def families(self, modules: Iterable[str] = ()) -> MappingProxyType[str, Family]:
        """Every family, checked against the solvers: by ``modules`` (their builders' module
        names) in that order first, then in registration order. The order is the
        generator's, so it must not depend on which module happened to be imported first."""
        if problems := self.problems():
            raise RegistryError("; ".join(problems))
        rank = {m: i for i, m in enumerate(modules)}
        ordered = sorted(self._families.values(),
                         key=lambda f: rank.get(f.build.__module__, len(rank)))
        return MappingProxyType({f.name: f for f in ordered})

    def solvers(self) -> MappingProxyType[str, Solver]:
        return MappingProxyType(dict(self._solvers))


REGISTRY = Registry()
family = REGISTRY.family
solver = REGISTRY.solver
