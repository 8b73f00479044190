"""master data: room for the mode name inland_waterway in pf_lanes.mode

Revision ID: 0102_master_lane_mode
Revises: 0101_master_data
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0102_master_lane_mode"
down_revision = "0101_master_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pf_lanes", schema=None) as batch_op:
        batch_op.alter_column(
            "mode", existing_type=sa.String(length=10), type_=sa.String(length=20), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pf_lanes", schema=None) as batch_op:
        batch_op.alter_column(
            "mode", existing_type=sa.String(length=20), type_=sa.String(length=10), nullable=False
        )
