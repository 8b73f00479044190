"""payables: signed contracts, onboarding, milestones, certificates, receipts, invoices,
match results, payments and the denied-party list

Revision ID: 0120_payables
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import UTCDateTime

revision = "0120_payables"
down_revision = "0001_core"
branch_labels = ("payables",)
depends_on = None

_JSON = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")


def _utc() -> UTCDateTime:
    return UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pf_compliance_certificates",
        sa.Column("contract_id", sa.String(length=100), nullable=False),
        sa.Column("certificate", sa.String(length=100), nullable=False),
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint(
            "contract_id", "certificate", name=op.f("pk_pf_compliance_certificates")
        ),
    )
    op.create_index(
        op.f("ix_pf_compliance_certificates_supplier_id"),
        "pf_compliance_certificates",
        ["supplier_id"],
        unique=False,
    )
    op.create_table(
        "pf_contract_milestones",
        sa.Column("contract_id", sa.String(length=100), nullable=False),
        sa.Column("milestone_id", sa.String(length=50), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.String(length=50), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completed_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint(
            "contract_id", "milestone_id", name=op.f("pk_pf_contract_milestones")
        ),
    )
    op.create_index(
        op.f("ix_pf_contract_milestones_po_number"),
        "pf_contract_milestones",
        ["po_number"],
        unique=False,
    )
    op.create_table(
        "pf_denied_parties",
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("normalised_name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("list_name", sa.String(length=100), nullable=False),
        sa.Column("imported_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("party_id", name=op.f("pk_pf_denied_parties")),
    )
    op.create_index(
        op.f("ix_pf_denied_parties_normalised_name"),
        "pf_denied_parties",
        ["normalised_name"],
        unique=False,
    )
    op.create_table(
        "pf_goods_receipts",
        sa.Column("receipt_id", sa.String(length=100), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("lines", _JSON, nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("receipt_id", name=op.f("pk_pf_goods_receipts")),
    )
    op.create_index(
        op.f("ix_pf_goods_receipts_po_number"), "pf_goods_receipts", ["po_number"], unique=False
    )
    op.create_table(
        "pf_invoices",
        sa.Column("invoice_id", sa.String(length=100), nullable=False),
        sa.Column("supplier_key", sa.String(length=200), nullable=False),
        sa.Column("supplier_name", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=200), nullable=False),
        sa.Column("normalised_number", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("document_type", sa.String(length=20), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.String(length=50), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("invoice", _JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_pf_invoices")),
    )
    op.create_index(
        op.f("ix_pf_invoices_file_sha256"), "pf_invoices", ["file_sha256"], unique=False
    )
    op.create_index(op.f("ix_pf_invoices_po_number"), "pf_invoices", ["po_number"], unique=False)
    op.create_index(
        "ix_pf_invoices_supplier_number",
        "pf_invoices",
        ["supplier_key", "normalised_number"],
        unique=False,
    )
    op.create_table(
        "pf_match_results",
        sa.Column("idempotency_key", sa.String(length=500), nullable=False),
        sa.Column("invoice_id", sa.String(length=100), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason_codes", _JSON, nullable=False),
        sa.Column("result", _JSON, nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_pf_match_results")),
    )
    op.create_index(
        op.f("ix_pf_match_results_invoice_id"), "pf_match_results", ["invoice_id"], unique=False
    )
    op.create_table(
        "pf_onboarding_tasks",
        sa.Column("contract_id", sa.String(length=100), nullable=False),
        sa.Column("task", sa.String(length=50), nullable=False),
        sa.Column("owner_role", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", _JSON, nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "task", name=op.f("pk_pf_onboarding_tasks")),
    )
    op.create_table(
        "pf_payments",
        sa.Column("payment_id", sa.String(length=35), nullable=False),
        sa.Column("invoice_id", sa.String(length=100), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=True),
        sa.Column("creditor_name", sa.String(length=300), nullable=False),
        sa.Column("iban", sa.String(length=40), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=True),
        sa.Column("amount", sa.String(length=50), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("pay_on", sa.Date(), nullable=False),
        sa.Column("plan", _JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("approval_id", sa.String(length=100), nullable=True),
        sa.Column("export_message_id", sa.String(length=35), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("exported_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_pf_payments")),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_pf_payments_invoice_id")),
    )
    op.create_table(
        "pf_signed_contracts",
        sa.Column("contract_id", sa.String(length=100), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("contract_number", sa.String(length=100), nullable=True),
        sa.Column("supplier_id", sa.String(length=100), nullable=False),
        sa.Column("supplier_name", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value", sa.String(length=50), nullable=False),
        sa.Column("terms", _JSON, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("po_number", sa.String(length=100), nullable=True),
        sa.Column("signed_by", sa.String(length=200), nullable=False),
        sa.Column("signed_at", _utc(), nullable=False),
        sa.Column("origin", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_pf_signed_contracts")),
        sa.UniqueConstraint("source_sha256", name=op.f("uq_pf_signed_contracts_source_sha256")),
    )
    op.create_index(
        op.f("ix_pf_signed_contracts_supplier_id"),
        "pf_signed_contracts",
        ["supplier_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("pf_signed_contracts")
    op.drop_table("pf_payments")
    op.drop_table("pf_onboarding_tasks")
    op.drop_table("pf_match_results")
    op.drop_table("pf_invoices")
    op.drop_table("pf_goods_receipts")
    op.drop_table("pf_denied_parties")
    op.drop_table("pf_contract_milestones")
    op.drop_table("pf_compliance_certificates")
