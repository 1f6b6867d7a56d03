"""Honest difficulty: a prior from the question itself, corrected by how players really did.

No Discord here. Three parts:

1. **The prior** ``p0`` — the probability that a player gets a question right, computed from
   the :class:`~bot.quiz.questions.model.Question` alone (family, options)::

       p0 = c + (1 - c) · K · D

   * ``c = 1 / n`` — a blind guess among the ``n`` options (½ for True/False, ¼ for four).
   * ``K`` — *how well known the subject is*: the share of players who know the fact, or can
     work it out, well enough to pick the key when the decoys are far from it. One base rate
     per family (:data:`FAMILY_KNOWLEDGE`), set by judgement, not measured: e.g. the peak year
     of arrivals (0.75) is widely reported, which state recognized Palestine first (0.15) is
     specialist knowledge. A family not in the table (a new one) falls back to the
     difficulty its builder declared (:data:`DECLARED_KNOWLEDGE`: easy 0.65, medium 0.40,
     hard 0.20) — article questions always do, their rows carry a difficulty of their own.
   * ``D`` — *how far the decoys are from the key*, 0 (a decoy indistinguishable from the
     key: knowing roughly is worth nothing) to 1 (every decoy far off):

     - quantities (``1,397``, ``129``, ``63.1%``): ``g`` = the nearest decoy's relative gap
       ``|decoy - key| / |key|``, and ``D = 1 - exp(-g / 0.20)`` — a decoy 5 % away gives
       D ≈ 0.22, 20 % away 0.63, 50 % away 0.92;
     - years (every option a bare four-digit year; the bot writes counts of 1,000 and more
       with a thousands separator, so a bare ``1988`` is a year): ``a`` = the nearest decoy's
       distance in years, ``D = 1 - exp(-a / 1.5)`` — 1 year gives 0.49, 2 years 0.74,
       5 years 0.96;
     - anything else (states, year pairs, True/False): ``D = 1``; how tempting such decoys
       are is part of the family's ``K``.

   Closer decoys always lower ``p0`` (strictly, for numbers and years), and ``p0`` never
   drops below chance.

2. **The measured share across all servers.** Per question id, the table
   ``quiz_question_stats`` counts the answers given and the right ones. Only answers to a
   question that was revealed count: the counts are added in the same transaction that marks
   the round's question revealed (:func:`record_reveal`), by one upsert that adds to the row.
   The blend is the posterior mean of a Beta prior with mean ``p0`` and a strength of
   :data:`PRIOR_STRENGTH` = 20 pseudo-answers::

       share = (correct + 20 · p0) / (answered + 20)

   With no answers the share is the prior; after 20 answers prior and measurement weigh the
   same; after 200 the measurement carries 91 % of the weight.

3. **Thresholds** (:func:`level`): share ≥ 0.65 → easy; ≥ 0.40 → medium; below → hard. So
   "hard" means that, by the best estimate, fewer than 2 players in 5 get it right (a
   four-option question at chance already reaches 0.25).

The reveal states the measurement plainly once at least :data:`SHOW_AFTER` = 10 answers exist:
"41 % of 212 players got this right" (:func:`share_line`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db.dialect import prepared, utcnow
from bot.quiz.models import QuestionStat
from bot.quiz.questions.model import Difficulty, Question

PRIOR_STRENGTH = 20  # pseudo-answers the prior is worth in the blend
EASY_AT, MEDIUM_AT = 0.65, 0.40  # blended share thresholds
SHOW_AFTER = 10  # answers before the reveal states the measured share

QUANTITY_SCALE = 0.20  # relative gap at which D reaches 1 - 1/e
YEAR_SCALE = 1.5  # years at which D reaches 1 - 1/e

# K: the share of players who know the fact (or can work it out) well enough to pick the key
# when the decoys are far from it. Judgement, documented so it can be argued with; the
# measured share corrects it question by question.
FAMILY_KNOWLEDGE: Mapping[str, float] = {
    # defectors
    "peak_year": 0.75,  # the 2009 peak is the most reported figure
    "lowest_year": 0.55,  # the pandemic low is guessable from the border closure
    "arrivals_in_year": 0.45,
    "more_arrivals": 0.50,  # two years: the trend (fewer since 2012) is widely known
    "largest_fall": 0.50,  # the 2020 → 2021 closure
    "largest_rise": 0.20,
    "first_year_below": 0.30,
    "female_share": 0.45,  # "most arrivals are women" is known; the exact share less
    "men_outnumbered": 0.20,  # before 1999 and 2021–2022: rarely known
    "span_total": 0.40,
    "cumulative_total": 0.40,
    "trend_tf": 0.25,  # "rose every year from … to …": one dip makes it False
    # recognition
    "recognizes_palestine_tf": 0.60,
    "recognizes_israel_tf": 0.65,
    "category_both": 0.40,
    "category_israel_only": 0.35,
    "category_palestine_only": 0.40,
    "never_recognized_israel": 0.45,
    "palestine_count": 0.45,
    "israel_count": 0.45,
    "both_count": 0.35,
    "palestine_recognition_year": 0.25,  # one state's year: mostly guessed
    "recognized_palestine_in": 0.35,
    "first_to_recognize_palestine": 0.15,  # specialist knowledge
}
# A family without its own base rate: from the difficulty its builder declared.
DECLARED_KNOWLEDGE: Mapping[str, float] = {"easy": 0.65, "medium": 0.40, "hard": 0.20}

_QUANTITY = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?%?$|^-?\d+(?:\.\d+)?%?$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True, slots=True)
class QuestionStats:
    """Answers given to one question across all servers, and how many were right."""

    answered: int
    correct: int

    @property
    def share(self) -> float | None:
        return self.correct / self.answered if self.answered else None


# ---------------------------------------------------------------------------- the prior


def knowledge(question: Question) -> float:
    """``K``: the family's base rate, or the declared difficulty's for an unlisted family."""
    return FAMILY_KNOWLEDGE.get(question.family, DECLARED_KNOWLEDGE[question.difficulty])


def _quantity(option: str) -> float | None:
    text = option.strip()
    if not _QUANTITY.match(text):
        return None
    return float(text.rstrip("%").replace(",", ""))


def separation(options: tuple[str, ...], answer_index: int) -> float:
    """``D`` in [0, 1]: how far the nearest decoy is from the key (1 for options that are
    not numbers or years: nothing to measure)."""
    decoys = [o for i, o in enumerate(options) if i != answer_index]
    if not decoys:
        return 1.0
    if all(_YEAR.match(o.strip()) and 1800 <= int(o) <= 2100 for o in options):
        key = int(options[answer_index])
        years = min(abs(int(d) - key) for d in decoys)
        return 1.0 - math.exp(-years / YEAR_SCALE)
    values = [_quantity(o) for o in options]
    if any(v is None for v in values):
        return 1.0
    key_value = values[answer_index]
    assert key_value is not None
    scale = abs(key_value) or 1.0  # a key of 0: measure the gap absolutely
    gap = min(abs(v - key_value) for i, v in enumerate(values)
              if i != answer_index and v is not None) / scale
    return 1.0 - math.exp(-gap / QUANTITY_SCALE)


def prior(question: Question) -> float:
    """``p0 = c + (1 - c)·K·D``: the chance a player gets this question right, before any
    answer is known."""
    chance = 1.0 / max(len(question.options), 1)
    return chance + (1.0 - chance) * knowledge(question) * separation(
        question.options, question.answer_index)


# ---------------------------------------------------------------------------- the blend


def blended_share(question: Question, stats: QuestionStats | None) -> float:
    """The Beta posterior mean: ``(correct + k·p0) / (answered + k)``."""
    p0 = prior(question)
    if stats is None or stats.answered <= 0:
        return p0
    return (stats.correct + PRIOR_STRENGTH * p0) / (stats.answered + PRIOR_STRENGTH)


def level(share: float) -> Difficulty:
    """The thresholds: ≥ 0.65 easy, ≥ 0.40 medium, else hard."""
    if share >= EASY_AT:
        return "easy"
    if share >= MEDIUM_AT:
        return "medium"
    return "hard"


def effective_difficulty(question: Question, stats: QuestionStats | None) -> Difficulty:
    """What ``difficulty:`` filters on: the prior blended with every server's answers."""
    return level(blended_share(question, stats))


def difficulty_of(stats: Mapping[str, QuestionStats]) -> Callable[[Question], Difficulty]:
    """A ``difficulty_of`` callable for the round selector, over stats loaded beforehand
    (:func:`load_stats`): a question without a row is judged by its prior."""

    def judge(question: Question) -> Difficulty:
        return effective_difficulty(question, stats.get(question.id))

    return judge


def share_line(stats: QuestionStats | None) -> str | None:
    """"41 % of 212 players got this right", once :data:`SHOW_AFTER` answers exist."""
    if stats is None or stats.answered < SHOW_AFTER:
        return None
    # Whole percent, half rounded up, in integers (no float surprises at exactly .5).
    percent = (200 * stats.correct + stats.answered) // (2 * stats.answered)
    return f"{percent} % of {stats.answered:,} players got this right"


# ---------------------------------------------------------------------------- the table

# The Core table (typed: the SQLModel class's ``__table__`` is invisible to type checkers).
_TABLE: Table = QuestionStat.metadata.tables["quiz_question_stats"]
# SQLite allows 32,766 bound parameters per statement; a round's pool is far below that,
# so this is one query in practice.
_CHUNK = 30_000


def _count_upsert(dialect_insert: Any) -> Any:
    """A reveal's answers added to the question's counts, returning the new counts."""
    stmt = dialect_insert(_TABLE)
    return stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.question_id],
        set_={"answered": _TABLE.c.answered + stmt.excluded.answered,
              "correct": _TABLE.c.correct + stmt.excluded.correct,
              "updated_at": stmt.excluded.updated_at},
    ).returning(_TABLE.c.answered, _TABLE.c.correct)


async def record_reveal(conn: AsyncConnection, question_id: str, answered: int,
                        correct: int) -> QuestionStats:
    """Add one reveal's answers to the question's counts and return the new totals (all
    servers). Call it in the transaction that marks the question revealed, so an answer is
    counted exactly when its question is.

    One ``INSERT … ON CONFLICT DO UPDATE SET answered = answered + excluded.answered``: the
    database adds, so two reveals of one question at once (two servers) both count — on
    PostgreSQL the second waits for the first's row lock, on SQLite for the write lock."""
    if answered <= 0:  # nothing to add: just read (a question nobody answered adds no row)
        row = (await conn.execute(select(_TABLE.c.answered, _TABLE.c.correct).where(
            _TABLE.c.question_id == question_id))).first()
        return QuestionStats(int(row[0]), int(row[1])) if row else QuestionStats(0, 0)
    row = (await conn.execute(prepared(conn, _count_upsert), {
        "question_id": question_id, "answered": answered, "correct": correct,
        "updated_at": utcnow()})).one()
    return QuestionStats(int(row[0]), int(row[1]))


async def load_stats(bind: AsyncEngine | AsyncConnection, question_ids: Iterable[str]
                     ) -> dict[str, QuestionStats]:
    """The counts of many questions in one query (ids without a row are left out)."""
    ids = sorted(set(question_ids))
    out: dict[str, QuestionStats] = {}
    if not ids:
        return out

    async def read(conn: AsyncConnection) -> None:
        for start in range(0, len(ids), _CHUNK):
            rows = await conn.execute(
                select(_TABLE.c.question_id, _TABLE.c.answered, _TABLE.c.correct)
                .where(_TABLE.c.question_id.in_(ids[start:start + _CHUNK])))
            out.update({str(q): QuestionStats(int(a), int(c)) for q, a, c in rows})

    if isinstance(bind, AsyncEngine):
        async with bind.connect() as conn:
            await read(conn)
    else:
        await read(bind)
    return out


async def load_difficulty_of(bind: AsyncEngine | AsyncConnection, questions: Iterable[Question]
                             ) -> Callable[[Question], Difficulty]:
    """Load the stats of a candidate pool and build the selector's ``difficulty_of``."""
    return difficulty_of(await load_stats(bind, (q.id for q in questions)))
