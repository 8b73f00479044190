"""dual control: proposed replacements of the denied-party list, confirmed by a second person

Revision ID: 0008_dual_control
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import UTCDateTime

revision = "0008_dual_control"
down_revision = "0001_core"
branch_labels = ("dual_control",)
depends_on = None

_JSON = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")


def _utc() -> UTCDateTime:
    return UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pf_denied_party_proposals",
        sa.Column("proposal_id", sa.String(length=40), nullable=False),
        sa.Column("list_name", sa.String(length=100), nullable=False),
        sa.Column("open_list", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("parties", _JSON, nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposed_at", _utc(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_pf_denied_party_proposals")),
        sa.UniqueConstraint("open_list", name=op.f("uq_pf_denied_party_proposals_open_list")),
    )
    op.create_index(
        op.f("ix_pf_denied_party_proposals_list_name"),
        "pf_denied_party_proposals",
        ["list_name"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_pf_denied_party_proposals_list_name"), table_name="pf_denied_party_proposals"
    )
    op.drop_table("pf_denied_party_proposals")
