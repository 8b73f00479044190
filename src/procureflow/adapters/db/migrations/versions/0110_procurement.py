"""procurement: purchase orders, their lines and changes

Revision ID: 0110_procurement
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import procureflow.adapters.db.types

revision = "0110_procurement"
down_revision = "0001_core"
branch_labels = ("procurement",)
depends_on = None

_JSON = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")


def _utc() -> procureflow.adapters.db.types.UTCDateTime:
    return procureflow.adapters.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pf_purchase_orders",
        sa.Column("po_id", sa.String(length=100), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=False),
        sa.Column("idempotency_key", sa.String(length=500), nullable=False),
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("payment_terms", sa.String(length=100), nullable=True),
        sa.Column("supplier_tax_id", sa.String(length=100), nullable=True),
        sa.Column("agreed_charges", sa.String(length=50), nullable=False),
        sa.Column("milestones", _JSON, nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=True),
        sa.Column("extra", _JSON, nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("po_id", name=op.f("pk_pf_purchase_orders")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_pf_purchase_orders_idempotency_key")),
        sa.UniqueConstraint("po_number", name=op.f("uq_pf_purchase_orders_po_number")),
    )
    with op.batch_alter_table("pf_purchase_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pf_purchase_orders_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "pf_po_lines",
        sa.Column("po_id", sa.String(length=100), nullable=False),
        sa.Column("line_id", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", sa.String(length=50), nullable=False),
        sa.Column("original_quantity", sa.String(length=50), nullable=False),
        sa.Column("unit_price", sa.String(length=50), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=True),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("milestone_id", sa.String(length=100), nullable=True),
        sa.Column("requires_receipt", sa.Boolean(), nullable=False),
        sa.Column("need_by", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["po_id"],
            ["pf_purchase_orders.po_id"],
            name=op.f("fk_pf_po_lines_po_id_pf_purchase_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("po_id", "line_id", name=op.f("pk_pf_po_lines")),
    )
    with op.batch_alter_table("pf_po_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pf_po_lines_sku"), ["sku"], unique=False)

    op.create_table(
        "pf_po_changes",
        sa.Column("idempotency_key", sa.String(length=500), nullable=False),
        sa.Column("po_id", sa.String(length=100), nullable=False),
        sa.Column("line_id", sa.String(length=50), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("before", _JSON, nullable=False),
        sa.Column("after", _JSON, nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_pf_po_changes")),
    )
    with op.batch_alter_table("pf_po_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pf_po_changes_po_id"), ["po_id"], unique=False)


def downgrade() -> None:
    op.drop_table("pf_po_changes")
    op.drop_table("pf_po_lines")
    op.drop_table("pf_purchase_orders")
