"""exceptions: when an exception was announced to its subscribers

Revision ID: 0603_exception_notified_at
Revises: 0602_monitor_state
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import UTCDateTime

revision = "0603_exception_notified_at"
down_revision = "0602_monitor_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pf_exceptions") as batch:
        batch.add_column(sa.Column("notified_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_pf_exceptions_notified_at", ["notified_at"])


def downgrade() -> None:
    with op.batch_alter_table("pf_exceptions") as batch:
        batch.drop_index("ix_pf_exceptions_notified_at")
        batch.drop_column("notified_at")
