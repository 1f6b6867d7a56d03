"""Pacing settings per server: how long a reveal stays up, and the lead-in of a round.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER a table in place. Existing servers get today's pacing.
    with op.batch_alter_table("quiz_guild_settings") as batch:
        batch.add_column(sa.Column("reveal_time", sa.Integer(), nullable=False,
                                   server_default="4"))
        batch.add_column(sa.Column("lead_in", sa.Integer(), nullable=False,
                                   server_default="3"))


def downgrade() -> None:
    with op.batch_alter_table("quiz_guild_settings") as batch:
        batch.drop_column("lead_in")
        batch.drop_column("reveal_time")
