"""Answers and right answers per question, across all servers (honest difficulty).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No back-fill from quiz_answer: the same question id was asked with other decoys
    # before this decoy work, so old answers measured a different question.
    op.create_table(
        "quiz_question_stats",
        sa.Column("question_id", sa.String(120), primary_key=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quiz_question_stats")
