"""Score totals kept up to date (all-time and per ISO week / calendar month), back-filled
from the answer log, so an upgrade keeps every leaderboard.

Revision ID: 0008
Revises: 0007 (re-chain to 0007 when merging)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
# Branch wt/totals was written beside 0007 (another branch); the lead re-chains this to "0007".
down_revision = "0007"
branch_labels = None
depends_on = None

# The tables as this revision knows them (not the models, which move on).
_answer = sa.table("quiz_answer", sa.column("id"), sa.column("round_id"),
                   sa.column("question_index"), sa.column("guild_id"), sa.column("user_id"),
                   sa.column("correct", sa.Boolean()), sa.column("points"),
                   sa.column("answered_at", sa.DateTime(timezone=True)),
                   sa.column("tallied", sa.Boolean()))
_round = sa.table("quiz_round", sa.column("id"), sa.column("status"))
_question = sa.table("quiz_round_question", sa.column("round_id"), sa.column("index"),
                     sa.column("revealed", sa.Boolean()))
_adjustment = sa.table("quiz_points_adjustment", sa.column("guild_id"), sa.column("user_id"),
                       sa.column("amount"),
                       sa.column("created_at", sa.DateTime(timezone=True)))


def _snowflake(name: str, primary_key: bool = True) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), primary_key=primary_key, autoincrement=False,
                     nullable=False)


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): SQLite and PostgreSQL 11+ add a column with a
    # constant default without rewriting the table, which matters at millions of answers.
    op.add_column("quiz_answer", sa.Column("tallied", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.create_table(
        "quiz_score_total",
        _snowflake("guild_id"), _snowflake("user_id"),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("answered", sa.BigInteger(), nullable=False),
        sa.Column("correct", sa.BigInteger(), nullable=False),
        sa.Column("current_streak", sa.Integer(), nullable=False),
        sa.Column("best_streak", sa.Integer(), nullable=False),
        sa.Column("last_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_round_id", sa.Integer(), nullable=True),
        sa.Column("last_question_index", sa.Integer(), nullable=True),
    )
    op.create_index("ix_quiz_score_total_board", "quiz_score_total", ["guild_id", "points"])
    op.create_table(
        "quiz_score_period",
        _snowflake("guild_id"),
        sa.Column("period", sa.String(5), primary_key=True, nullable=False),
        sa.Column("starts", sa.Date(), primary_key=True, nullable=False),
        _snowflake("user_id"),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("answered", sa.BigInteger(), nullable=False),
        sa.Column("correct", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_quiz_score_period_board", "quiz_score_period",
                    ["guild_id", "period", "starts", "points"])
    _backfill()


def _backfill() -> None:
    # The fold is the running bot's own (pure functions, no tables), so the back-filled rows
    # are exactly what the live path would have written; check-scores re-checks them.
    from bot.quiz.totals import fold, period_rows, total_rows

    conn = op.get_bind()
    # Counted as bot.quiz.leaderboard.counted() says: revealed, or the round is over.
    revealed = sa.select(sa.literal(1)).select_from(_question).where(
        _question.c.round_id == _answer.c.round_id,
        _question.c["index"] == _answer.c.question_index,
        _question.c.revealed.is_(True)).exists()
    ended = _answer.c.round_id.in_(
        sa.select(_round.c.id).where(_round.c.status != "running"))
    counted = sa.or_(revealed, ended)
    conn.execute(sa.update(_answer).where(counted).values(tallied=True))
    rows = conn.execute(
        sa.select(_answer.c.guild_id, _answer.c.user_id, _answer.c.answered_at,
                  _answer.c.round_id, _answer.c.question_index, _answer.c.correct,
                  _answer.c.points)
        .where(_answer.c.tallied.is_(True))
        .order_by(_answer.c.guild_id, _answer.c.user_id, _answer.c.answered_at,
                  _answer.c.round_id, _answer.c.question_index)
        .execution_options(yield_per=20_000))
    answers = ((int(g), int(u), t, int(r), int(q), bool(c), int(p)) for g, u, t, r, q, c, p in rows)
    adjustments = ((int(g), int(u), t, int(a)) for g, u, t, a in conn.execute(
        sa.select(_adjustment.c.guild_id, _adjustment.c.user_id, _adjustment.c.created_at,
                  _adjustment.c.amount)))
    tally = fold(answers, adjustments)
    for name, values in (("quiz_score_total", total_rows(tally)),
                         ("quiz_score_period", period_rows(tally))):
        table = sa.table(name, *(sa.column(k) for k in (values[0] if values else {})))
        for i in range(0, len(values), 5_000):
            conn.execute(sa.insert(table), values[i:i + 5_000])


def downgrade() -> None:
    op.drop_index("ix_quiz_score_period_board", table_name="quiz_score_period")
    op.drop_table("quiz_score_period")
    op.drop_index("ix_quiz_score_total_board", table_name="quiz_score_total")
    op.drop_table("quiz_score_total")
    with op.batch_alter_table("quiz_answer") as batch:
        batch.drop_column("tallied")
