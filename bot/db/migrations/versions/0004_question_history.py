"""Per-server question history for the round selector.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_question_history",
        sa.Column("guild_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("question_id", sa.String(120), primary_key=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
    )
    # The pruning query orders a guild's rows by time.
    op.create_index("ix_quiz_question_history_guild_time", "quiz_question_history",
                    ["guild_id", "asked_at"])


def downgrade() -> None:
    op.drop_index("ix_quiz_question_history_guild_time", "quiz_question_history")
    op.drop_table("quiz_question_history")
