"""The question of the day: schedules, one claimed post per server and day, daily streaks.

Revision ID: 0010
Revises: 0009 (the lead re-chains this to 0009 when merging)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
# Written beside 0009 (another branch): the lead re-chains this to "0009".
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _snowflake(name: str, primary_key: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), primary_key=primary_key, autoincrement=False,
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "quiz_daily_schedule",
        _snowflake("guild_id", primary_key=True),
        _snowflake("channel_id"),
        sa.Column("post_time", sa.String(5), nullable=False),
        sa.Column("topic", sa.String(16), nullable=False),
        sa.Column("open_hours", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("since", TS, nullable=False),
        _snowflake("moderator_id"),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("off_reason", sa.String(200), nullable=True),
    )
    op.create_table(
        "quiz_daily_post",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        _snowflake("guild_id"),
        sa.Column("day", sa.Date(), nullable=False),
        _snowflake("channel_id"),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("posted_at", TS, nullable=True),
        sa.Column("closes_at", TS, nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("claimed_at", TS, nullable=False),
        sa.UniqueConstraint("guild_id", "day", name="uq_quiz_daily_post_day"),
    )
    op.create_index("ix_quiz_daily_post_open", "quiz_daily_post", ["status", "closes_at"])
    op.create_table(
        "quiz_daily_streak",
        _snowflake("guild_id", primary_key=True),
        _snowflake("user_id", primary_key=True),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("best", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
    )
    op.create_index("ix_quiz_daily_streak_board", "quiz_daily_streak", ["guild_id", "current"])


def downgrade() -> None:
    op.drop_index("ix_quiz_daily_streak_board", "quiz_daily_streak")
    op.drop_table("quiz_daily_streak")
    op.drop_index("ix_quiz_daily_post_open", "quiz_daily_post")
    op.drop_table("quiz_daily_post")
    op.drop_table("quiz_daily_schedule")
