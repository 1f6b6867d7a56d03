"""Quiz: settings, channel rules, rounds, questions, answers, players, adjustments, audit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _id(name: str, *, primary_key: bool = False, nullable: bool = False, **kw: Any) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), primary_key=primary_key, nullable=nullable,
                     autoincrement=False, **kw)


def upgrade() -> None:
    op.create_table(
        "quiz_guild_settings",
        _id("guild_id", primary_key=True),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("default_questions", sa.Integer(), nullable=False),
        sa.Column("allowed_topics", sa.String(32), nullable=False),
        sa.Column("reveal_pictures", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "quiz_channel_rule",
        _id("guild_id", primary_key=True),
        _id("channel_id", primary_key=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        _id("moderator_id"),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "quiz_round",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _id("guild_id"),
        _id("channel_id"),
        _id("active_channel_id", nullable=True, unique=True),
        _id("starter_id"),
        sa.Column("topic", sa.String(16), nullable=False),
        sa.Column("difficulty", sa.String(8), nullable=True),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        _id("seed"),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("end_reason", sa.String(200), nullable=True),
        _id("start_message_id", nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
    )
    op.create_index("ix_quiz_round_guild_id", "quiz_round", ["guild_id"])
    op.create_table(
        "quiz_round_question",
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("quiz_round.id"), primary_key=True),
        sa.Column("index", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.String(120), nullable=False),
        sa.Column("difficulty", sa.String(8), nullable=False),
        sa.Column("answer_index", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _id("message_id", nullable=True),
        sa.Column("asked_at", TS, nullable=False),
        sa.Column("deadline", TS, nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "quiz_answer",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("quiz_round.id"), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        _id("guild_id"),
        _id("user_id"),
        sa.Column("option_index", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column("answered_at", TS, nullable=False),
        sa.UniqueConstraint("round_id", "question_index", "user_id", name="uq_quiz_answer_once"),
    )
    op.create_index("ix_quiz_answer_guild_user", "quiz_answer", ["guild_id", "user_id"])
    op.create_index("ix_quiz_answer_guild_time", "quiz_answer", ["guild_id", "answered_at"])
    op.create_table(
        "quiz_player",
        _id("guild_id", primary_key=True),
        _id("user_id", primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "quiz_points_adjustment",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _id("guild_id"),
        _id("user_id"),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        _id("moderator_id"),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_quiz_adjust_guild_user", "quiz_points_adjustment", ["guild_id", "user_id"])
    op.create_table(
        "quiz_mod_action",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _id("guild_id"),
        _id("moderator_id"),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_quiz_mod_action_guild", "quiz_mod_action", ["guild_id", "created_at"])


def downgrade() -> None:
    for table in ("quiz_mod_action", "quiz_points_adjustment", "quiz_player", "quiz_answer",
                  "quiz_round_question", "quiz_round", "quiz_channel_rule",
                  "quiz_guild_settings"):
        op.drop_table(table)
