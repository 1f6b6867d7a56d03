"""Which questions a round asks: a selector with a per-server memory.

A server that plays every evening should not see a question twice in a month, nor have a
question answered by the explanation shown two questions earlier. So a round's questions are
picked, per server (guild), against a persisted history of the question ids asked there:

* questions never asked in this server come first; once every candidate of the round's topic
  and difficulty has been asked, the least recently asked come back first;
* families are weighted by their *remaining unasked* pool, capped at ``POOL_CAP``, and no
  family gets more than ``FAMILY_SHARE`` (20 %) of a round's places: a one-question family
  (``peak_year``) has weight 1 against ~30 for a large one, and none at all once asked, so it
  comes back rarely instead of in most rounds;
* no subject (year, span, state …) twice in a round, and no question whose ``asks`` meet the
  ``asks`` or ``reveals`` of an earlier question of the same round (a give-away);
* the round's difficulty filter uses measured difficulty (:mod:`bot.quiz.difficulty`: the
  question's prior blended with every server's revealed answers), or an injected
  ``difficulty_of`` (tests, the benchmark).

**Why the families directly, not** :func:`~bot.quiz.questions.generator.iter_questions`:
the generator gives families equal turns (exactly what made the one-question families appear
in most rounds) and a random stream cannot tell "this family has nothing new" from "unlucky
draws", nor offer the least recently asked question. The selector needs each family's pool.
So each family's pool is discovered once per fact snapshot by drawing from it with a fixed
seed until no new id turns up for ``SATURATION`` draws (at most ``POOL_DRAWS``), validating
every question exactly as the generator does; small families are thereby enumerated exactly,
large ones sampled to a few hundred ids, far more than a month of rounds needs. A round is
then a pure, seeded choice over those pools and the history: same seed, same history, same
questions.

**The history** (:class:`~bot.quiz.models.QuestionHistory`) keeps one row per (guild,
question id): when it was last asked and its subjects. It survives restarts (database), is
deleted with the server's data (:func:`bot.quiz.admin.forget_guild`) and is bounded: each
write keeps only the newest ``HISTORY_LIMIT`` rows of that guild. A pruned (old) question
counts as unasked again, which is also how tiny families eventually return. Questions are
recorded when the round is drawn: a round stopped early marks its unasked tail as asked, a
small price for keeping the write in one place and off the question clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.db.dialect import prepared
from bot.facts.records import Facts
from bot.quiz.clock import SYSTEM_CLOCK, Clock
from bot.quiz.difficulty import load_difficulty_of
from bot.quiz.models import QuestionHistory
from bot.quiz.questions.model import DIFFICULTIES, TOPICS, Question
from bot.quiz.questions.registry import FAMILIES, Family
from bot.quiz.questions.validator import validate

log = logging.getLogger(__name__)

FAMILY_SHARE = 0.2  # no family above this share of a round's places
POOL_CAP = 30  # a family's weight is its unasked pool, capped: big families take fair turns
HISTORY_LIMIT = 5000  # rows kept per guild (more than every pool together: see docstring)
POOL_DRAWS = 600  # draws per family to discover its pool …
SATURATION = 150  # … stopping early once this many draws in a row found no new id
POOL_SEED = "selector-pool"

DifficultyOf = Callable[[Question], str]


def _own_difficulty(q: Question) -> str:
    return q.difficulty


# --- pools ---------------------------------------------------------------------------------

_POOLS: dict[tuple[str, str], tuple[Question, ...]] = {}


def family_pool(fam: Family, facts: Facts) -> tuple[Question, ...]:
    """Every distinct valid question the selector knows for ``fam``, in discovery order.

    Pools are pure functions of the facts and the code, so they are cached per snapshot
    version for the process (tests open many services on the same files), or in the
    snapshot's own memo when it has no version."""
    if not facts.version:
        return facts.memo(("selector-pool", fam.name), lambda: _discover(fam, facts))
    key = (facts.version, fam.name)
    if key not in _POOLS:
        if any(v != facts.version for v, _ in _POOLS):
            _POOLS.clear()  # a new snapshot: the old pools will not be asked for again
        _POOLS[key] = _discover(fam, facts)
    return _POOLS[key]


def _discover(fam: Family, facts: Facts) -> tuple[Question, ...]:
    rng = random.Random(f"{POOL_SEED}:{fam.name}")
    found: dict[str, Question] = {}
    dry = 0
    for _ in range(POOL_DRAWS):
        q = fam(facts, rng)
        if q is None or q.id in found:
            dry += 1
        elif problems := validate(q, facts):
            log.warning("dropped question %s: %s", q.id, "; ".join(problems))
            dry += 1
        else:
            found[q.id] = q
            dry = 0
        if dry >= SATURATION:
            break
    return tuple(found.values())


def candidates(facts: Facts, topic: str) -> dict[str, tuple[Question, ...]]:
    """Each family's pool for ``topic`` (mixed: every family), in registry order."""
    if topic not in ("mixed", *TOPICS):
        raise ValueError(f"topic must be mixed, {' or '.join(TOPICS)}; got {topic!r}")
    return {f.name: family_pool(f, facts) for f in FAMILIES.values()
            if topic in ("mixed", f.topic)}


# --- the round's rules ----------------------------------------------------------------------

_SUBJECT_PARAMS = {"year": "year", "iso3": "state"}


def subjects_of(q: Question) -> frozenset[str]:
    """The declared ``subjects``; for a question that declares none yet, the year, state or
    span its params name (a bridge while families are being annotated)."""
    if q.subjects:
        return q.subjects
    out = {f"{kind}:{q.params[p]}" for p, kind in _SUBJECT_PARAMS.items() if p in q.params}
    if "first" in q.params and "last" in q.params:
        out.add(f"span:{q.params['first']}-{q.params['last']}")
    return frozenset(out)


def _given_away(q: Question, told: set[str]) -> bool:
    # Any fact the answer rests on, told earlier, gives it away: families declare in
    # ``asks`` only the facts that do (a span's peak asks its own figure, not every year's).
    return bool(q.asks & told)


@dataclass
class _Round:
    count: int
    cap: int
    chosen: list[Question]
    ids: set[str]
    subjects: set[str]
    told: set[str]  # every fact an earlier question asked or revealed
    per_family: dict[str, int]

    def fits(self, q: Question, *, level: int = 0) -> bool:
        """Level 0: every rule. 1: the family cap relaxed. 2: subjects relaxed too.
        The give-away rule and "never the same question twice in a round" always hold
        (except level 3: a round that cannot be filled otherwise)."""
        if q.id in self.ids:
            return False
        if level < 1 and self.per_family.get(q.family, 0) >= self.cap:
            return False
        if level < 2 and subjects_of(q) & self.subjects:
            return False
        return level >= 3 or self._slot(q) is not None

    def _slot(self, q: Question) -> int | None:
        """Where ``q`` can stand without a give-away, or None. The rule is about order (an
        explanation gives away what comes *after* it), so ``q``
        goes to the latest place where it neither is given away nor gives a later one away:
        a question whose explanation lists many figures can still be asked — last."""
        if not _given_away(q, self.told):
            return len(self.chosen)  # the common case: at the end
        tells = q.asks | q.reveals
        for i in range(len(self.chosen) - 1, -1, -1):
            before = set().union(*(p.asks | p.reveals for p in self.chosen[:i]))
            if _given_away(q, before):
                continue
            told = before | tells
            for p in self.chosen[i:]:
                if _given_away(p, told):
                    break
                told |= p.asks | p.reveals
            else:
                return i
        return None

    def add(self, q: Question) -> None:
        slot = self._slot(q)
        self.chosen.insert(len(self.chosen) if slot is None else slot, q)
        self.ids.add(q.id)
        self.subjects |= subjects_of(q)
        self.told |= q.asks | q.reveals
        self.per_family[q.family] = self.per_family.get(q.family, 0) + 1


def pick(pools: Mapping[str, Sequence[Question]], history: Mapping[str, dt.datetime],
         count: int, rng: random.Random, *, difficulty: str | None = None,
         difficulty_of: DifficultyOf = _own_difficulty) -> list[Question]:
    """``count`` questions (fewer only if the pools hold fewer) for one round; pure.

    ``history``: question id → when this server last asked it."""
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    pools = {name: [q for q in qs if difficulty is None or difficulty_of(q) == difficulty]
             for name, qs in pools.items()}
    pools = {name: qs for name, qs in pools.items() if qs}
    # 20 % of the places, at least one; more only when too few families could fill a round.
    cap = max(1, math.floor(count * FAMILY_SHARE))
    if pools and cap * len(pools) < count:
        cap = math.ceil(count / len(pools))
    r = _Round(count, cap, [], set(), set(), set(), {})
    unasked = {name: [q for q in qs if q.id not in history] for name, qs in pools.items()}
    everything = [q for qs in pools.values() for q in qs]
    tiebreak = {q.id: rng.random() for q in everything}
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    oldest = _Oldest(lambda: sorted(everything, key=lambda q: (_aware(history.get(q.id)) or never,
                                                              tiebreak[q.id])))
    # A new question beats a repeat, even one from a family past its cap this round (the
    # share stays near 20 % on average: weights follow the pools); a repeat beats breaking
    # the subject rule; only a round that cannot be filled otherwise breaks the rest.
    for source, level in (("new", 0), ("new", 1), ("old", 0), ("old", 1), ("new", 2),
                          ("old", 2), ("old", 3)):
        if source == "new":
            _fill_new(r, unasked, rng, level)
        else:
            _fill_oldest(r, oldest, level)
    return r.chosen


def _fill_new(r: _Round, unasked: Mapping[str, Sequence[Question]], rng: random.Random,
              level: int) -> None:
    """Never asked here: a family drawn by its remaining unasked pool (capped), then one of
    its fitting questions at random."""
    while len(r.chosen) < r.count:
        fitting = {name: [q for q in qs if r.fits(q, level=level)]
                   for name, qs in unasked.items()}
        names = [n for n, qs in fitting.items() if qs]
        if not names:
            return
        weights = [min(sum(q.id not in r.ids for q in unasked[n]), POOL_CAP) for n in names]
        name = rng.choices(names, weights)[0]
        r.add(rng.choice(fitting[name]))


class _Oldest:
    """Every candidate, least recently asked first: sorted only when a round needs a repeat
    (while new questions last, a start skips sorting thousands of them)."""

    def __init__(self, order: Callable[[], list[Question]]) -> None:
        self._order: Callable[[], list[Question]] | None = order
        self._sorted: list[Question] = []

    def __iter__(self) -> Iterator[Question]:
        if self._order is not None:
            self._sorted, self._order = self._order(), None
        return iter(self._sorted)


def _fill_oldest(r: _Round, oldest: Iterable[Question], level: int) -> None:
    """Every pool exhausted (or the rules left places open): the least recently asked."""
    if len(r.chosen) >= r.count:
        return
    for q in oldest:
        if len(r.chosen) >= r.count:
            return
        if r.fits(q, level=level):
            r.add(q)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands timestamps back naive; they were written in UTC.
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


# --- the history ----------------------------------------------------------------------------

_HISTORY = QuestionHistory.metadata.tables[QuestionHistory.__tablename__]


async def load_history(conn: AsyncConnection, guild_id: int) -> dict[str, dt.datetime]:
    # Every round start reads the server's whole history (up to every question of every
    # pool): the time comes as text and is parsed by ``fromisoformat`` (C), as both databases
    # write it ISO-like, instead of through the column type's per-row Python processors,
    # which were most of a start's CPU. SQLite's text is naive UTC; PostgreSQL's has its offset.
    rows = (await conn.execute(select(col(QuestionHistory.question_id),
                                      cast(col(QuestionHistory.asked_at), String))
                               .where(col(QuestionHistory.guild_id) == guild_id))).all()
    parse, utc = dt.datetime.fromisoformat, dt.UTC
    history = {str(qid): parse(at) for qid, at in rows}
    for qid, at in history.items():
        if at.tzinfo is None:
            history[qid] = at.replace(tzinfo=utc)
    return history


def _history_upsert(dialect_insert: Any) -> Any:
    # Two channels of one server may draw at once: the later write wins, never fails.
    stmt = dialect_insert(_HISTORY)
    return stmt.on_conflict_do_update(
        index_elements=["guild_id", "question_id"],
        set_={"asked_at": stmt.excluded.asked_at, "subjects": stmt.excluded.subjects})


async def record(conn: AsyncConnection, guild_id: int, questions: Iterable[Question],
                 asked_at: dt.datetime, *, limit: int = HISTORY_LIMIT,
                 known: int | None = None) -> None:
    """Remember ``questions`` as asked now, then keep only the guild's newest ``limit``.
    ``known``: how many rows the guild's history held when read in this transaction; while
    that plus the new rows fits the limit nothing can be trimmed, and the trim (a sort of
    the whole history) is skipped: it was most of a round start's database time."""
    # In key order: two rounds of one server starting at once then lock shared rows in the
    # same order (PostgreSQL reported deadlocks with 1,000 rounds starting in one server).
    rows = [{"guild_id": guild_id, "question_id": q.id, "asked_at": asked_at,
             "subjects": " ".join(sorted(subjects_of(q)))}
            for q in sorted(questions, key=lambda q: q.id)]
    if rows:
        await conn.execute(prepared(conn, _history_upsert), rows)
    if known is not None and known + len(rows) <= limit:
        return
    newest = (select(col(QuestionHistory.question_id))
              .where(col(QuestionHistory.guild_id) == guild_id)
              .order_by(col(QuestionHistory.asked_at).desc(), col(QuestionHistory.question_id))
              .limit(limit))
    await conn.execute(delete(QuestionHistory).where(
        col(QuestionHistory.guild_id) == guild_id,
        col(QuestionHistory.question_id).not_in(newest.scalar_subquery())))


class Selector:
    """Draws a server's rounds against its history (one instance per process)."""

    def __init__(self, engine: AsyncEngine, facts: Callable[[], Facts], *,
                 difficulty_of: DifficultyOf | None = None, clock: Clock = SYSTEM_CLOCK,
                 history_limit: int = HISTORY_LIMIT) -> None:
        self.engine = engine
        self.facts = facts
        self.difficulty_of = difficulty_of
        self.clock = clock
        self.history_limit = history_limit

    async def draw(self, *, guild_id: int, count: int, seed: int | str, topic: str = "mixed",
                   difficulty: str | None = None, now: dt.datetime | None = None
                   ) -> list[Question]:
        """A round's questions, recorded in the server's history in the same transaction
        as they were chosen from it."""
        facts = self.facts()
        # Discovering pools costs a fraction of a second once per snapshot: off the loop.
        pools = await asyncio.to_thread(candidates, facts, topic)
        async with self.engine.begin() as conn:
            history = await load_history(conn, guild_id)
            judge = self.difficulty_of or _own_difficulty
            if difficulty is not None and self.difficulty_of is None:
                # Measured difficulty: each candidate's prior blended with every server's
                # revealed answers (bot.quiz.difficulty), loaded in one query.
                judge = await load_difficulty_of(
                    conn, (q for qs in pools.values() for q in qs))
            chosen = pick(pools, history, count, random.Random(seed), difficulty=difficulty,
                          difficulty_of=judge)
            await record(conn, guild_id, chosen, now or self.clock.now(),
                         limit=self.history_limit, known=len(history))
        return chosen
