"""The language of a server's public quiz messages (``/quizadmin settings set language``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER a table in place. "auto": the server's Discord locale,
    # which is what every server got before the setting existed.
    with op.batch_alter_table("quiz_guild_settings") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                   server_default="auto"))


def downgrade() -> None:
    with op.batch_alter_table("quiz_guild_settings") as batch:
        batch.drop_column("language")
