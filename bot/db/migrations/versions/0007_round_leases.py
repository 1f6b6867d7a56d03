"""Round owners and leases: which process runs a round, until when it vouches for it, and a
stop requested through the database.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Rounds running at the upgrade get no owner and no lease: they count as expired, so the
    # first process on the new version closes them, as every restart did before.
    with op.batch_alter_table("quiz_round") as batch:
        batch.add_column(sa.Column("owner", sa.String(32), nullable=True))
        batch.add_column(sa.Column("lease_until", TS, nullable=True))
        batch.add_column(sa.Column("stop_requested_at", TS, nullable=True))
        batch.add_column(sa.Column("stop_requested_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_round") as batch:
        batch.drop_column("stop_requested_by")
        batch.drop_column("stop_requested_at")
        batch.drop_column("lease_until")
        batch.drop_column("owner")
