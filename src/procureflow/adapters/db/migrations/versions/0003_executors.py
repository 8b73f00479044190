"""executors: a heartbeat per process that runs the durable engine

Revision ID: 0003_executors
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import UTCDateTime

revision = "0003_executors"
down_revision = "0001_core"
branch_labels = ("executors",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_executors",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime()),
    )


def downgrade() -> None:
    op.drop_table("pf_executors")
