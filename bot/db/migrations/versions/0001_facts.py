"""Fact tables: defector periods, UN member states, recognition snapshot and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "defector_period",
        sa.Column("label", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=True),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("male", sa.Integer(), nullable=False),
        sa.Column("female", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_table(
        "member_state",
        sa.Column("iso3", sa.String(3), primary_key=True),
        sa.Column("iso2", sa.String(2), nullable=False, unique=True),
        sa.Column("iso_numeric", sa.String(3), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("aliases", sa.Text(), nullable=False),
    )
    op.create_table(
        "recognition_2023_11_14",
        sa.Column("iso3", sa.String(3), sa.ForeignKey("member_state.iso3"), primary_key=True),
        sa.Column("recognizes_israel", sa.Boolean(), nullable=False),
        sa.Column("israel_status", sa.String(32), nullable=False),
        sa.Column("israel_recognition_date", sa.String(10), nullable=False),
        sa.Column("recognizes_palestine", sa.Boolean(), nullable=False),
        sa.Column("palestine_recognition_date", sa.String(10), nullable=False),
        sa.Column("confidence", sa.String(12), nullable=False),
        sa.Column("dispute", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_table(
        "recognition_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("iso3", sa.String(3), sa.ForeignKey("member_state.iso3"), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(12), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_index("ix_recognition_event_effective_date", "recognition_event", ["effective_date"])
    op.create_table(
        "article_fact",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(16), nullable=False),
        sa.Column("difficulty", sa.String(8), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("distractors", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_table(
        "dataset_version",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("dataset_version", "article_fact", "recognition_event",
                  "recognition_2023_11_14", "member_state", "defector_period"):
        op.drop_table(table)
