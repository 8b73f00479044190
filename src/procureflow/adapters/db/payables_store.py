"""Goods receipts, invoices, match results and payments.

* Receipts are keyed by their id: recording the same receipt twice is a no-op.
* Invoices keep the parsed document, its file hash and normalised number (for
  duplicate detection), what validating the e-invoice found, and a status: ``received``
  → ``matched`` / ``exception`` → ``authorised`` → ``exported``, or ``rejected``; an
  invoice whose validation found fatal errors is ``held`` for accounts payable and never
  matched.
* Match results are keyed by the playbook step's idempotency key.
* Payments (:mod:`procureflow.adapters.db.payment_store`): one per invoice, id derived
  from the step's idempotency key, so a retried step never creates a second payment.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.payment_store import PaymentRecords, payment_id_for
from procureflow.adapters.db.tables_payables import (
    goods_receipts,
    invoices,
    match_results,
)
from procureflow.domain.clock import utcnow
from procureflow.domain.invoice import Invoice
from procureflow.domain.invoice_duplicates import InvoiceFingerprint, normalise_invoice_number
from procureflow.domain.invoice_json import invoice_from_json, invoice_to_json
from procureflow.domain.matching_outcomes import MatchResult
from procureflow.domain.purchase_order import GoodsReceipt, GoodsReceiptLine, line_key
from procureflow.errors import InvalidInput, NotFound

# Invoices whose quantities count as "already invoiced" for later ones.
COUNTED_STATUSES = ("matched", "authorised", "exported", "credited", "offset")


def _invoice_json(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "invoice_id": row.invoice_id,
        "number": row.number,
        "supplier_key": row.supplier_key,
        "supplier_name": row.supplier_name,
        "po_number": row.po_number,
        "document_type": row.document_type,
        "amount": {"amount": str(row.amount), "currency": row.currency},
        "issue_date": row.issue_date.isoformat(),
        "file_name": row.file_name,
        "file_sha256": row.file_sha256,
        "status": row.status,
        "received_by": row.received_by,
        "created_at": row.created_at.isoformat(),
        "validation": row.validation,
    }


class PayablesStore(PaymentRecords):
    """Receipts, invoices, match results and payments (see the module doc)."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    # -- receipts ----------------------------------------------------------------------
    def add_receipt(
        self,
        receipt_id: str,
        po_number: str,
        received_on: date,
        lines: Mapping[str, Decimal],
        *,
        actor: str,
    ) -> bool:
        """Record a delivery against a PO; False when this receipt id was recorded before."""
        if not receipt_id.strip():
            raise InvalidInput("a goods receipt needs an id")
        if not lines:
            raise InvalidInput(f"goods receipt {receipt_id} has no lines")
        with self.engine.begin() as conn:
            created = insert_if_absent(
                conn,
                goods_receipts,
                {
                    "receipt_id": receipt_id,
                    "po_number": po_number,
                    "received_on": received_on,
                    "lines": {line: str(qty) for line, qty in lines.items()},
                    "recorded_by": actor,
                    "created_at": utcnow(),
                },
            )
            if created:
                self.audit.append(
                    conn,
                    stream=f"po:{po_number}",
                    kind="goods.received",
                    actor=actor,
                    subject=receipt_id,
                    payload={"lines": {k: str(v) for k, v in lines.items()}},
                )
        return created

    def receipts(self, po_number: str) -> list[GoodsReceipt]:
        """The PO's goods receipts."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(goods_receipts)
                .where(goods_receipts.c.po_number == po_number)
                .order_by(goods_receipts.c.received_on, goods_receipts.c.receipt_id)
            )
            return [
                GoodsReceipt(
                    receipt_id=r.receipt_id,
                    po_number=r.po_number,
                    received_on=r.received_on,
                    lines=tuple(GoodsReceiptLine(k, Decimal(v)) for k, v in r.lines.items()),
                )
                for r in rows
            ]

    # -- invoices ----------------------------------------------------------------------
    def add_invoice(
        self,
        invoice: Invoice,
        *,
        file_name: str,
        actor: str,
        validation: Mapping[str, Any] | None = None,
        status: str = "received",
    ) -> dict[str, Any]:
        """Store a received invoice (every copy, duplicates too: matching flags them).

        ``validation`` is what the official artefacts found; an invoice with fatal
        findings is stored ``held`` in the same transaction, so no instance can pick it
        up for matching in between."""
        invoice_id = "inv-" + uuid.uuid4().hex[:20]
        with self.engine.begin() as conn:
            conn.execute(
                invoices.insert().values(
                    invoice_id=invoice_id,
                    supplier_key=invoice.supplier.key[:200],
                    supplier_name=invoice.supplier.name[:300],
                    number=invoice.number[:200],
                    normalised_number=normalise_invoice_number(invoice.number)[:200],
                    file_sha256=invoice.source_sha256 or "",
                    file_name=file_name[:500],
                    document_type=invoice.document_type.value,
                    po_number=invoice.order_reference,
                    currency=invoice.currency,
                    amount=invoice.totals.payable,
                    issue_date=invoice.issue_date,
                    invoice=invoice_to_json(invoice),
                    status=status,
                    validation=dict(validation) if validation is not None else None,
                    received_by=actor,
                    created_at=utcnow(),
                )
            )
            self.audit.append(
                conn,
                stream=f"invoice:{invoice_id}",
                kind="invoice.received",
                actor=actor,
                subject=invoice_id,
                payload={
                    "number": invoice.number,
                    "supplier": invoice.supplier.key,
                    "po_number": invoice.order_reference,
                    "amount": str(invoice.totals.payable),
                    "currency": invoice.currency,
                    "sha256": invoice.source_sha256,
                    "status": status,
                },
            )
        return self.get_invoice(invoice_id)

    def get_invoice(self, invoice_id: str) -> dict[str, Any]:
        """One invoice's summary; NotFound otherwise."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(invoices).where(invoices.c.invoice_id == invoice_id)
            ).first()
        if row is None:
            raise NotFound(f"no invoice {invoice_id}", subject=invoice_id)
        return _invoice_json(row)

    def invoice(self, invoice_id: str) -> Invoice:
        """The parsed invoice as stored."""
        with self.engine.connect() as conn:
            data = conn.execute(
                sa.select(invoices.c.invoice).where(invoices.c.invoice_id == invoice_id)
            ).scalar_one_or_none()
        if data is None:
            raise NotFound(f"no invoice {invoice_id}", subject=invoice_id)
        return invoice_from_json(data)

    def list_invoices(
        self, *, po_number: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Invoices, oldest first."""
        query = sa.select(invoices).order_by(invoices.c.created_at, invoices.c.invoice_id)
        if po_number:
            query = query.where(invoices.c.po_number == po_number)
        if status:
            query = query.where(invoices.c.status == status)
        with self.engine.connect() as conn:
            return [_invoice_json(r) for r in conn.execute(query)]

    def set_invoice_status(
        self, invoice_id: str, status: str, *, actor: str = "procureflow"
    ) -> None:
        """Move an invoice to ``status`` (audited)."""
        with self.engine.begin() as conn:
            conn.execute(
                invoices.update().where(invoices.c.invoice_id == invoice_id).values(status=status)
            )
            self.audit.append(
                conn,
                stream=f"invoice:{invoice_id}",
                kind="invoice.status",
                actor=actor,
                subject=invoice_id,
                payload={"status": status},
            )

    def earlier_fingerprints(self, invoice_id: str, supplier_key: str) -> list[InvoiceFingerprint]:
        """Fingerprints of the supplier's invoices received before this one (rejected ones too:
        a rejected duplicate sent again is still a duplicate). Invoices held as invalid at
        intake are left out: they were never accepted, and the corrected invoice the
        supplier sends for one usually carries the same number."""
        with self.engine.connect() as conn:
            this = conn.execute(
                sa.select(invoices.c.created_at).where(invoices.c.invoice_id == invoice_id)
            ).scalar_one()
            rows = conn.execute(
                sa.select(invoices).where(
                    invoices.c.invoice_id != invoice_id,
                    invoices.c.created_at <= this,
                    invoices.c.status != "held",
                    sa.or_(
                        invoices.c.supplier_key == supplier_key,
                        invoices.c.file_sha256 != "",
                    ),
                )
            )
            found = []
            for r in rows:
                inv = invoice_from_json(r.invoice)
                found.append(InvoiceFingerprint.of(inv, invoice_id=r.invoice_id))
            return found

    def previously_invoiced(self, po_number: str, invoice_id: str) -> dict[str, Decimal]:
        """Quantity already invoiced per PO line by invoices counted before this one."""
        totals: dict[str, Decimal] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(invoices.c.invoice).where(
                    invoices.c.po_number == po_number,
                    invoices.c.invoice_id != invoice_id,
                    invoices.c.status.in_(COUNTED_STATUSES),
                )
            )
            for (data,) in rows:
                inv = invoice_from_json(data)
                for line in inv.lines:
                    if line.po_line_ref:
                        key = line_key(line.po_line_ref)
                        totals[key] = totals.get(key, Decimal(0)) + line.quantity * inv.sign
        return totals

    def record_match(self, idempotency_key: str, invoice_id: str, result: MatchResult) -> bool:
        """Keep a match result once per step key; moves the invoice to matched/exception."""
        status = "matched" if result.decision.value == "approve" else "exception"
        with self.engine.begin() as conn:
            created = insert_if_absent(
                conn,
                match_results,
                {
                    "idempotency_key": idempotency_key,
                    "invoice_id": invoice_id,
                    "po_number": result.po_number,
                    "decision": result.decision.value,
                    "reason_codes": result.reason_codes,
                    "result": result.to_json(),
                    "created_at": utcnow(),
                },
            )
            if created:
                conn.execute(
                    invoices.update()
                    .where(invoices.c.invoice_id == invoice_id)
                    .values(status=status)
                )
                self.audit.append(
                    conn,
                    stream=f"invoice:{invoice_id}",
                    kind="invoice.matched",
                    actor="procureflow",
                    subject=invoice_id,
                    payload={"decision": result.decision.value, "reasons": result.reason_codes},
                )
        return created

    def match_results(self, invoice_id: str) -> list[dict[str, Any]]:
        """Every match of an invoice, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(match_results)
                .where(match_results.c.invoice_id == invoice_id)
                .order_by(match_results.c.created_at)
            )
            return [
                {
                    "decision": r.decision,
                    "reason_codes": r.reason_codes,
                    "result": r.result,
                    "at": r.created_at.isoformat(),
                }
                for r in rows
            ]


__all__ = ["COUNTED_STATUSES", "PayablesStore", "payment_id_for"]
