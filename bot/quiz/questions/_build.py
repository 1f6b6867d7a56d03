"""Small helpers the families share: assembling a Question, picking and ordering options."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from bot.facts.records import Facts
from bot.quiz.questions._family import Build, Family
from bot.quiz.questions.model import (
    FALSE,
    TRUE,
    Difficulty,
    ParamValue,
    PictureRequest,
    Question,
    freeze_params,
)


def make(
    fam: Family,
    *,
    key: str,
    difficulty: Difficulty,
    text: str,
    options: Sequence[str],
    answer: str,
    explanation: str,
    source: str,
    as_of: dt.date,
    params: Mapping[str, ParamValue],
    picture: PictureRequest | None,
    subjects: Iterable[str] = (),
    asks: Iterable[str] = (),
    reveals: Iterable[str] = (),
) -> Question:
    """A question of ``fam``, which supplies the name and topic. ``key`` is the parameter
    part of the id ("2012", "FRA@2025-12-09", "" for none); ``picture`` is what the reveal
    shows (None: nothing helps, e.g. a fact from an article's text)."""
    sep = "" if not key or key.startswith("@") else ":"
    return Question(
        id=f"{fam.name}{sep}{key}",
        family=fam.name,
        topic=fam.topic,
        difficulty=difficulty,
        text=text,
        options=tuple(options),
        answer_index=list(options).index(answer),
        explanation=explanation,
        source=source,
        as_of=as_of,
        params=freeze_params(params),
        picture=picture,
        subjects=frozenset(subjects),
        asks=frozenset(asks),
        reveals=frozenset(reveals),
    )


def shuffled(rng: random.Random, answer: str, distractors: Sequence[str]) -> list[str]:
    options = [answer, *distractors]
    rng.shuffle(options)
    return options


def ascending(answer: int, distractors: Sequence[int], show: Callable[[int], str]) -> list[str]:
    """Numbers read best in order; the order also gives nothing away."""
    return [show(v) for v in sorted([answer, *distractors])]


def true_false(truth: bool) -> tuple[list[str], str]:
    return [TRUE, FALSE], TRUE if truth else FALSE


N = TypeVar("N", int, float)


def pick_spread(
    rng: random.Random, candidates: Sequence[N], k: int, ok: Callable[[N, list[N]], bool]
) -> list[N] | None:
    """``k`` random candidates, each accepted only if ``ok(candidate, chosen)``; None if the
    candidates cannot supply ``k``. ``candidates`` must be in a fixed order (sorted), so the
    same seed always picks the same ones."""
    pool = list(candidates)
    rng.shuffle(pool)
    chosen: list[N] = []
    for c in pool:
        if ok(c, chosen):
            chosen.append(c)
            if len(chosen) == k:
                return chosen
    return None


def in_band(value: float, answer: float, low: float, high: float) -> bool:
    return value >= 0 and answer * low <= value <= answer * high


def around(rng: random.Random, answer: N, candidates: Sequence[N], k: int,
           ok: Callable[[N, list[N]], bool], rank: int | None = None, *,
           every_rank: bool = False) -> list[N] | None:
    """``k`` distractors from ``candidates`` placing ``answer`` at ``rank`` (how many options
    are smaller; drawn uniformly from 0..k when None), so that "pick the smallest / largest /
    middle" wins only 1 / (k + 1) of the time over a sample. None if the candidates cannot
    supply that rank: the caller draws other parameters for the same rank (see
    :func:`ranked`), since falling back to another rank would bias the sample again.
    ``every_rank``: refuse parameters unless every rank is possible (see below)."""
    if rank is None:
        rank = rng.randrange(k + 1)
    below = [c for c in candidates if c < answer]
    above = [c for c in candidates if c > answer]
    if every_rank and (sum(ok(c, []) for c in below) < k or sum(ok(c, []) for c in above) < k):
        # Parameters that allow only some ranks are refused outright. Where a family has many
        # more questions than a sample draws, the generator skips ids already used, and
        # parameters that suit every rank would otherwise be used up first by the ranks
        # they alone serve, tilting the sample toward the others.
        return None
    low: list[N] | None = pick_spread(rng, below, rank, ok) if rank else []
    if low is None:
        return None
    if rank == k:
        return low
    chosen_low: list[N] = low

    def ok_high(c: N, chosen: list[N]) -> bool:
        return ok(c, chosen_low + chosen)

    high: list[N] | None = pick_spread(rng, above, k - rank, ok_high)
    return None if high is None else chosen_low + high


T = TypeVar("T")


def ranked(rng: random.Random, k: int, attempt: Callable[[int], T | None],
           tries: int = 300) -> T | None:
    """Draw the key's rank first (uniform over 0..k), then let ``attempt(rank)`` draw fresh
    parameters until one supports it: every rank wins equally often across a sample."""
    rank = rng.randrange(k + 1)
    for _ in range(tries):
        got = attempt(rank)
        if got is not None:
            return got
    return None


def key_is_longest(q: Question) -> bool:
    """Whether no other option is longer than the key (a tie counts: "pick the longest"
    then wins only its share of the tie)."""
    return len(q.answer) >= max(len(o) for o in q.options)


def length_fair(build: Build, tries: int = 60) -> Build:
    """``build`` redrawn until the key is the longest option about 1 time in n (n options).

    Names and phrases differ in length, and a key drawn from a small set ("United Kingdom"
    among the G7 members that recognized Palestine in 2025, "United Arab Emirates" among
    2020's recognitions of Israel, "127" against decoys 40, 60, 85) is the longest option far
    more often than chance, so "pick the longest" pays. Each question first draws whether
    its key is to be the longest (probability 1/n), then the family draws its parameters
    again until the outcome matches; a family that cannot match within ``tries`` draws
    gives its first question. Ties count as longest, so the strategy never gains by them.
    The wrapped builder keeps ``build``'s name, module and docstring (the registry orders
    families by module)."""

    @functools.wraps(build)
    def fair(fam: Family, facts: Facts, rng: random.Random) -> Question | None:
        first: Question | None = None
        want: bool | None = None
        for _ in range(tries):
            q = build(fam, facts, rng)
            if q is None:
                continue
            if len(q.options) < 3:
                return q  # two options: nothing to gain from lengths beyond chance
            if want is None:
                want = rng.randrange(len(q.options)) == 0
            if key_is_longest(q) == want:
                return q
            first = first or q
        return first

    return fair
