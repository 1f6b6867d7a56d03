"""Draw validated questions, reproducibly, spread across families.

Families take turns (round robin, in an order reshuffled every round by the seeded RNG), so a
sample of a few hundred already contains every family. Each question is validated before it
is yielded; a rejected one is dropped and the family tries again. Ids are not repeated while
any family can still produce a new one; after that, repeats are allowed but never
back-to-back. Nothing reads global random state or the clock: the same seed and the same
facts give the same questions.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from itertools import islice

from bot.facts.records import Facts
from bot.quiz.questions._family import Family
from bot.quiz.questions.model import DIFFICULTIES, TOPICS, Difficulty, Question
from bot.quiz.questions.registry import families_for
from bot.quiz.questions.validator import validate

log = logging.getLogger(__name__)

# How many draws a family gets per turn to find a new, valid question of the wanted
# difficulty before its turn passes. Families are cheap (tens of microseconds per draw), and a
# generous budget makes "exhausted" mean exhausted rather than unlucky.
ATTEMPTS = 200


def generate(facts: Facts, count: int, seed: int | str, topic: str = "mixed",
             difficulty: Difficulty | None = None) -> list[Question]:
    """``count`` validated questions (fewer only if no family can produce any)."""
    if count < 0:
        raise ValueError("count must be ≥ 0")
    return list(islice(iter_questions(facts, seed, topic, difficulty), count))


def iter_questions(facts: Facts, seed: int | str, topic: str = "mixed",
                   difficulty: Difficulty | None = None) -> Iterator[Question]:
    """An endless stream of validated questions for a quiz round: take as many as needed.

    The stream ends only if no family can produce a single valid question for the filters.
    """
    if topic not in ("mixed", *TOPICS):
        raise ValueError(f"topic must be mixed, {' or '.join(TOPICS)}; got {topic!r}")
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    rng = random.Random(seed)
    families = families_for(topic, difficulty)
    used: set[str] = set()
    exhausted: set[str] = set()  # families that found no new id in a whole turn
    last_id: str | None = None
    while families:
        order = list(families)
        rng.shuffle(order)
        repeats = len(exhausted) == len(families)  # nothing new anywhere: allow repeats
        produced = False
        for fam in order:
            if fam.name in exhausted and not repeats:
                continue
            q = _draw(fam, facts, rng, difficulty, used, last_id, allow_used=repeats)
            if q is None:
                exhausted.add(fam.name)
                continue
            used.add(q.id)
            last_id = q.id
            produced = True
            yield q
        if not produced and repeats:
            return  # not even a repeat could be made


def _draw(fam: Family, facts: Facts, rng: random.Random, difficulty: Difficulty | None,
          used: set[str], last_id: str | None, *, allow_used: bool) -> Question | None:
    fallback: Question | None = None
    for _ in range(ATTEMPTS):
        q = fam(facts, rng)
        if q is None or (difficulty is not None and q.difficulty != difficulty):
            continue
        if q.id in used and not allow_used:
            continue
        problems = validate(q, facts)
        if problems:
            # A family and the validator disagreeing is a bug worth seeing in the logs.
            log.warning("dropped question %s: %s", q.id, "; ".join(problems))
            continue
        if q.id == last_id:
            fallback = q  # only if nothing else turns up: never back-to-back otherwise
            continue
        return q
    return fallback if allow_used else None
