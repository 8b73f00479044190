"""master data: suppliers, items, offers, contracts, lanes, FX rates

Revision ID: 0101_master_data
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import procureflow.adapters.db.types

revision = "0101_master_data"
down_revision = "0001_core"
branch_labels = ("master_data",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_contracts",
        sa.Column("contract_id", sa.String(length=100), nullable=False),
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=50), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("payment_terms", sa.String(length=100), nullable=False),
        sa.Column("ld_rate_pct_per_week", sa.String(length=50), nullable=True),
        sa.Column("ld_cap_pct", sa.String(length=50), nullable=True),
        sa.Column(
            "extra",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_pf_contracts")),
    )
    with op.batch_alter_table("pf_contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pf_contracts_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "pf_fx_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("rate_to_base", sa.String(length=50), nullable=False),
        sa.Column(
            "extra",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("currency", "date", name=op.f("pk_pf_fx_rates")),
    )
    op.create_table(
        "pf_items",
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_weight_kg", sa.String(length=50), nullable=False),
        sa.Column("on_hand", sa.String(length=50), nullable=False),
        sa.Column("safety_stock", sa.String(length=50), nullable=False),
        sa.Column("daily_demand", sa.String(length=50), nullable=False),
        sa.Column(
            "extra",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_pf_items")),
    )
    op.create_table(
        "pf_lanes",
        sa.Column("origin", sa.String(length=5), nullable=False),
        sa.Column("destination", sa.String(length=5), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("cost_per_kg", sa.String(length=50), nullable=False),
        sa.Column("transit_days", sa.Integer(), nullable=False),
        sa.Column("co2e_kg_per_tkm", sa.String(length=50), nullable=True),
        sa.Column(
            "extra",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("origin", "destination", "mode", name=op.f("pk_pf_lanes")),
    )
    op.create_table(
        "pf_offers",
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("unit_price", sa.String(length=50), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("capacity_per_week", sa.String(length=50), nullable=False),
        sa.Column("min_order_qty", sa.String(length=50), nullable=False),
        sa.Column(
            "extra",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("supplier_id", "sku", name=op.f("pk_pf_offers")),
    )
    op.create_table(
        "pf_suppliers",
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "email_domains",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=5), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("esg_score", sa.String(length=50), nullable=False),
        sa.Column("altman_z", sa.String(length=50), nullable=False),
        sa.Column(
            "certifications",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("payment_terms", sa.String(length=100), nullable=False),
        sa.Column(
            "extra",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_pf_suppliers")),
    )


def downgrade() -> None:
    op.drop_table("pf_suppliers")
    op.drop_table("pf_offers")
    op.drop_table("pf_lanes")
    op.drop_table("pf_items")
    op.drop_table("pf_fx_rates")
    with op.batch_alter_table("pf_contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pf_contracts_supplier_id"))

    op.drop_table("pf_contracts")
