"""exceptions: what the monitors remember between runs (snapshots, watermarks)

Revision ID: 0602_monitor_state
Revises: 0601_exceptions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import JSONValue, UTCDateTime

revision = "0602_monitor_state"
down_revision = "0601_exceptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_monitor_state",
        sa.Column("monitor", sa.String(100), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("value", JSONValue, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("monitor", "key", name="pk_pf_monitor_state"),
    )


def downgrade() -> None:
    op.drop_table("pf_monitor_state")
