"""Payables tables: signed contracts and what follows from them, up to the payment.

* ``pf_signed_contracts`` — a signed contract with its extracted terms (one row per contract
  file: the file's SHA-256 is unique, so ingesting the same file twice is one contract).
* ``pf_onboarding_tasks`` — the supplier onboarding checklist, one task per row with an
  owner role and a status.
* ``pf_contract_milestones`` — the project workspace: the contract's milestones and
  when each was recorded completed.
* ``pf_compliance_certificates`` — the compliance record: required certificates and
  their expiry dates.
* ``pf_goods_receipts`` — deliveries recorded against a PO (id unique: recording twice
  is a no-op).
* ``pf_invoices`` — every invoice received, with its file hash and normalised number
  (duplicate detection reads these), the parsed invoice and its status.
* ``pf_match_results`` — the outcome of matching each invoice, with reason codes.
* ``pf_payments`` — authorised payments with the chosen pay date; one per invoice.
* ``pf_denied_parties`` — the denied-party (sanctions) list in force for screening.
* ``pf_denied_party_proposals`` — replacements of that list proposed by one compliance
  officer, in force only once a different one confirms (dual control). ``open_list`` holds
  the list's name while the proposal is open and is unique, so a list has at most one open
  proposal even when two are made at the same moment.

Money is exact (``DecimalText``).
"""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.tables_master import DecimalText
from procureflow.adapters.db.types import JSONValue, UTCDateTime

signed_contracts = sa.Table(
    "pf_signed_contracts",
    metadata,
    sa.Column("contract_id", sa.String(100), primary_key=True),
    sa.Column("source_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("source_name", sa.String(500), nullable=False),
    sa.Column("contract_number", sa.String(100), nullable=True),
    sa.Column("supplier_id", sa.String(100), nullable=False, index=True),
    sa.Column("supplier_name", sa.String(300), nullable=False),
    sa.Column("category", sa.String(100), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("value", DecimalText(), nullable=False),
    sa.Column("terms", JSONValue, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("po_number", sa.String(100), nullable=True),
    sa.Column("signed_by", sa.String(200), nullable=False),
    sa.Column("signed_at", UTCDateTime(), nullable=False),
    sa.Column("origin", sa.String(50), nullable=False),
)

onboarding_tasks = sa.Table(
    "pf_onboarding_tasks",
    metadata,
    sa.Column("contract_id", sa.String(100), primary_key=True),
    sa.Column("task", sa.String(50), primary_key=True),
    sa.Column("owner_role", sa.String(50), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("detail", JSONValue, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

contract_milestones = sa.Table(
    "pf_contract_milestones",
    metadata,
    sa.Column("contract_id", sa.String(100), primary_key=True),
    sa.Column("milestone_id", sa.String(50), primary_key=True),
    sa.Column("po_number", sa.String(100), nullable=True, index=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("due_date", sa.Date(), nullable=True),
    sa.Column("amount", DecimalText(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("completed_on", sa.Date(), nullable=True),
    sa.Column("completed_by", sa.String(200), nullable=True),
)

compliance_certificates = sa.Table(
    "pf_compliance_certificates",
    metadata,
    sa.Column("contract_id", sa.String(100), primary_key=True),
    sa.Column("certificate", sa.String(100), primary_key=True),
    sa.Column("supplier_id", sa.String(100), nullable=False, index=True),
    sa.Column("valid_until", sa.Date(), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

goods_receipts = sa.Table(
    "pf_goods_receipts",
    metadata,
    sa.Column("receipt_id", sa.String(100), primary_key=True),
    sa.Column("po_number", sa.String(100), nullable=False, index=True),
    sa.Column("received_on", sa.Date(), nullable=False),
    sa.Column("lines", JSONValue, nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

invoices = sa.Table(
    "pf_invoices",
    metadata,
    sa.Column("invoice_id", sa.String(100), primary_key=True),
    sa.Column("supplier_key", sa.String(200), nullable=False),
    sa.Column("supplier_name", sa.String(300), nullable=False),
    sa.Column("number", sa.String(200), nullable=False),
    sa.Column("normalised_number", sa.String(200), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("document_type", sa.String(20), nullable=False),
    sa.Column("po_number", sa.String(100), nullable=True, index=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", DecimalText(), nullable=False),
    sa.Column("issue_date", sa.Date(), nullable=False),
    sa.Column("invoice", JSONValue, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("received_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    # What validating the e-invoice found (migration 0011_invoice_validation); NULL for
    # invoices received before validation existed.
    sa.Column("validation", JSONValue, nullable=True),
    sa.Index("ix_pf_invoices_supplier_number", "supplier_key", "normalised_number"),
)

match_results = sa.Table(
    "pf_match_results",
    metadata,
    sa.Column("idempotency_key", sa.String(500), primary_key=True),
    sa.Column("invoice_id", sa.String(100), nullable=False, index=True),
    sa.Column("po_number", sa.String(100), nullable=True),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("reason_codes", JSONValue, nullable=False),
    sa.Column("result", JSONValue, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

payments = sa.Table(
    "pf_payments",
    metadata,
    sa.Column("payment_id", sa.String(35), primary_key=True),
    sa.Column("invoice_id", sa.String(100), nullable=False, unique=True),
    sa.Column("po_number", sa.String(100), nullable=True),
    sa.Column("creditor_name", sa.String(300), nullable=False),
    sa.Column("iban", sa.String(40), nullable=False),
    sa.Column("bic", sa.String(11), nullable=True),
    sa.Column("amount", DecimalText(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("pay_on", sa.Date(), nullable=False),
    sa.Column("plan", JSONValue, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("approval_id", sa.String(100), nullable=True),
    sa.Column("export_message_id", sa.String(35), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("exported_at", UTCDateTime(), nullable=True),
)

denied_parties = sa.Table(
    "pf_denied_parties",
    metadata,
    sa.Column("party_id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("normalised_name", sa.String(300), nullable=False, index=True),
    sa.Column("country", sa.String(2), nullable=True),
    sa.Column("list_name", sa.String(100), nullable=False),
    sa.Column("imported_at", UTCDateTime(), nullable=False),
)

denied_party_proposals = sa.Table(
    "pf_denied_party_proposals",
    metadata,
    sa.Column("proposal_id", sa.String(40), primary_key=True),
    sa.Column("list_name", sa.String(100), nullable=False, index=True),
    sa.Column("open_list", sa.String(100), nullable=True, unique=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("parties", JSONValue, nullable=False),
    sa.Column("added", sa.Integer(), nullable=False),
    sa.Column("removed", sa.Integer(), nullable=False),
    sa.Column("proposed_by", sa.String(200), nullable=False),
    sa.Column("proposed_at", UTCDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    sa.Column("reason", sa.String(1000), nullable=True),
)

__all__ = [
    "compliance_certificates",
    "contract_milestones",
    "signed_contracts",
    "denied_parties",
    "denied_party_proposals",
    "goods_receipts",
    "invoices",
    "match_results",
    "onboarding_tasks",
    "payments",
]
