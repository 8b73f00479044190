"""Purchase-order tables: orders, their lines, and the changes made to them.

Quantities and prices are exact decimals kept as text (``DecimalText``). Every order
carries the idempotency key of the step that created it (unique), so a replayed step
finds the order it created instead of writing a second one; a change to a line is keyed
the same way in ``pf_po_changes``.
"""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.tables_master import DecimalText
from procureflow.adapters.db.types import JSONValue, UTCDateTime

purchase_orders = sa.Table(
    "pf_purchase_orders",
    metadata,
    sa.Column("po_id", sa.String(100), primary_key=True),
    sa.Column("po_number", sa.String(100), nullable=False, unique=True),
    sa.Column("idempotency_key", sa.String(500), nullable=False, unique=True),
    sa.Column("supplier_id", sa.String(100), nullable=False, index=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("issue_date", sa.Date(), nullable=True),
    sa.Column("payment_terms", sa.String(100), nullable=True),
    sa.Column("supplier_tax_id", sa.String(100), nullable=True),
    sa.Column("agreed_charges", DecimalText(), nullable=False),
    sa.Column("milestones", JSONValue, nullable=False),
    sa.Column("origin", sa.String(200), nullable=True),
    sa.Column("extra", JSONValue, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

po_lines = sa.Table(
    "pf_po_lines",
    metadata,
    sa.Column(
        "po_id",
        sa.String(100),
        sa.ForeignKey("pf_purchase_orders.po_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("line_id", sa.String(50), primary_key=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("sku", sa.String(100), nullable=True, index=True),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("quantity", DecimalText(), nullable=False),
    sa.Column("original_quantity", DecimalText(), nullable=False),
    sa.Column("unit_price", DecimalText(), nullable=False),
    sa.Column("unit_code", sa.String(20), nullable=True),
    sa.Column("category", sa.String(200), nullable=True),
    sa.Column("milestone_id", sa.String(100), nullable=True),
    sa.Column("requires_receipt", sa.Boolean(), nullable=False),
    sa.Column("need_by", sa.Date(), nullable=True),
)

po_changes = sa.Table(
    "pf_po_changes",
    metadata,
    sa.Column("idempotency_key", sa.String(500), primary_key=True),
    sa.Column("po_id", sa.String(100), nullable=False, index=True),
    sa.Column("line_id", sa.String(50), nullable=True),
    sa.Column("kind", sa.String(50), nullable=False),
    sa.Column("before", JSONValue, nullable=False),
    sa.Column("after", JSONValue, nullable=False),
    sa.Column("reason", sa.String(1000), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

__all__ = ["po_changes", "po_lines", "purchase_orders"]
