"""events: which stored event went to which instance's listen

Revision ID: 0002_event_deliveries
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import UTCDateTime

revision = "0002_event_deliveries"
down_revision = "0001_core"
branch_labels = ("event_deliveries",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_event_deliveries",
        sa.Column("event_key", sa.String(64), primary_key=True),
        sa.Column("instance_id", sa.String(64), primary_key=True),
        sa.Column("subscription_id", sa.String(64), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pf_event_deliveries")
