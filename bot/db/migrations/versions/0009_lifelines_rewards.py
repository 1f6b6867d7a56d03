"""Lifelines (the 50/50) and role rewards: three settings, the lifeline log, the rewards and
the awards given.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _snowflake(name: str, primary_key: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), primary_key=primary_key, autoincrement=False,
                     nullable=False)


def upgrade() -> None:
    # Constant defaults: a plain ADD COLUMN on both databases, no table copy.
    op.add_column("quiz_guild_settings", sa.Column("fifty_fifty", sa.Boolean(), nullable=False,
                                                   server_default=sa.true()))
    op.add_column("quiz_guild_settings", sa.Column("fifty_fifty_per_round", sa.Integer(),
                                                   nullable=False, server_default="1"))
    op.add_column("quiz_guild_settings", sa.Column("rewards_remove_below", sa.Boolean(),
                                                   nullable=False, server_default=sa.true()))
    op.create_table(
        "quiz_lifeline",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("quiz_round.id"), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        _snowflake("guild_id"), _snowflake("user_id"),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("shown", sa.String(40), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "question_index", "user_id", "kind",
                            name="uq_quiz_lifeline_question"),
        sa.UniqueConstraint("round_id", "user_id", "kind", "slot", name="uq_quiz_lifeline_slot"),
    )
    op.create_index("ix_quiz_lifeline_guild_id", "quiz_lifeline", ["guild_id"])
    op.create_table(
        "quiz_role_reward",
        _snowflake("guild_id", True), _snowflake("role_id", True),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        _snowflake("moderator_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "quiz_role_award",
        _snowflake("guild_id", True), _snowflake("role_id", True), _snowflake("user_id", True),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quiz_role_award")
    op.drop_table("quiz_role_reward")
    op.drop_index("ix_quiz_lifeline_guild_id", "quiz_lifeline")
    op.drop_table("quiz_lifeline")
    with op.batch_alter_table("quiz_guild_settings") as batch:
        batch.drop_column("rewards_remove_below")
        batch.drop_column("fifty_fifty_per_round")
        batch.drop_column("fifty_fifty")
