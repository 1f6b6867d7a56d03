"""Draw validated questions, reproducibly, spread across families.

Families take turns (round robin, in an order reshuffled every round by the seeded RNG), so a
sample of a few hundred already contains every family. Each question is validated before it
is yielded; a rejected one is dropped and the family tries again. Ids are not repeated while
any family can still produce a new one; after that, repeats are allowed but never
back-to-back. Nothing reads global random state or the clock: the same seed and the same
facts give the same questions.

**Balanced key positions.** Each family keeps, per option count, a *cycle* of key positions:
a drawn question is accepted only if its key sits at a position still open in the cycle (one
served least often so far in that family); otherwise the family draws again within its
attempt budget, and only if none of those draws fits is the first valid one taken at
whatever position it has (the open positions then catch up first). Which open position comes
next is left to the draws themselves, which the generator's seeded RNG makes. Drawing each
question's position independently left families of 70–100 questions with one position at
35–38 % by luck alone; the cycle makes every position come up equally often within each
family (±1, fallbacks aside). Since numeric options are
shown ascending and true/false options as (True, False), the same cycle also balances the
key's rank (smallest / middle / largest) and the True share. The cycles are part of the
seeded state: the same seed still gives the same output.
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
DEEP_ATTEMPTS = 500


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
    positions = _Positions()
    families = families_for(topic, difficulty)
    used: set[str] = set()
    exhausted: set[str] = set()  # families that found no new id in their last turn
    searched = False  # every family has had one long search for unused ids
    allow_same = False  # set only when a whole round could offer nothing but the last id
    last_id: str | None = None
    while families:
        order = list(families)
        rng.shuffle(order)
        # "new": families take turns; "deep" (once): every family searches longer for an
        # unused id, since random draws can miss the last few; "repeat": anything valid
        # except the question just asked.
        mode = ("new" if len(exhausted) < len(families)
                else "repeat" if searched else "deep")
        searched |= mode == "deep"
        produced = False
        for fam in order:
            if mode == "new" and fam.name in exhausted:
                continue
            q = _draw(fam, facts, rng, difficulty, used, None if allow_same else last_id,
                      positions, allow_used=mode == "repeat",
                      attempts=DEEP_ATTEMPTS if mode == "deep" else ATTEMPTS)
            if q is None:
                exhausted.add(fam.name)
                continue
            if mode != "repeat":
                exhausted.discard(fam.name)
            used.add(q.id)
            last_id = q.id
            produced, allow_same = True, False
            yield q
        if mode == "repeat" and not produced:
            if allow_same:
                return  # not even a repeat can be made
            allow_same = True


class _Positions:
    """Per (family, option count), how often the key has sat at each position so far."""

    def __init__(self) -> None:
        self._served: dict[tuple[str, int], list[int]] = {}

    def due(self, family: str, options: int, position: int) -> bool:
        """Whether ``position`` is among the least served: the cycle's positions still open."""
        served = self._served.setdefault((family, options), [0] * options)
        return served[position] == min(served)

    def take(self, family: str, options: int, position: int) -> None:
        self._served.setdefault((family, options), [0] * options)[position] += 1


def _draw(fam: Family, facts: Facts, rng: random.Random, difficulty: Difficulty | None,
          used: set[str], last_id: str | None, positions: _Positions, *, allow_used: bool,
          attempts: int) -> Question | None:
    """A new valid question from ``fam`` (or, with ``allow_used``, any valid one but the
    last one asked) with its key at a position still due in the family's cycle; failing
    that within ``attempts`` draws, the first valid one at any position (the cycle then
    makes up for it); None when there is none."""
    elsewhere: list[Question] = []  # fit every rule but the position, not yet validated
    for _ in range(attempts):
        q = fam(facts, rng)
        if q is None or (difficulty is not None and q.difficulty != difficulty):
            continue
        if q.id == last_id or (q.id in used and not allow_used):
            continue
        if not positions.due(fam.name, len(q.options), q.answer_index):
            elsewhere.append(q)
            continue
        if _valid(q, facts):
            positions.take(fam.name, len(q.options), q.answer_index)
            return q
    for q in elsewhere:
        if _valid(q, facts):
            positions.take(fam.name, len(q.options), q.answer_index)
            return q
    return None


def _valid(q: Question, facts: Facts) -> bool:
    problems = validate(q, facts)
    if problems:
        # A family and the validator disagreeing is a bug worth seeing in the logs.
        log.warning("dropped question %s: %s", q.id, "; ".join(problems))
    return not problems
