"""Moderator audit entries remember the interaction that made them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER a table in place; entries from before stay NULL.
    with op.batch_alter_table("quiz_mod_action") as batch:
        batch.add_column(sa.Column("interaction_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_mod_action") as batch:
        batch.drop_column("interaction_id")
