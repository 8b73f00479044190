"""Authorised payments and their export to the bank (mixed into the payables store).

One payment per invoice (unique), its id derived from the playbook step's idempotency key,
so a retried step never creates a second payment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.tables_payables import invoices, payments
from procureflow.domain.clock import utcnow


def payment_id_for(idempotency_key: str) -> str:
    """A SEPA end-to-end id (<= 35 characters) derived from the step's idempotency key."""
    return "PAY-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24].upper()


def _payment_json(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "payment_id": row.payment_id,
        "invoice_id": row.invoice_id,
        "po_number": row.po_number,
        "creditor_name": row.creditor_name,
        "iban": row.iban,
        "bic": row.bic,
        "amount": {"amount": str(row.amount), "currency": row.currency},
        "pay_on": row.pay_on.isoformat(),
        "status": row.status,
        "approval_id": row.approval_id,
        "export_message_id": row.export_message_id,
        "plan": row.plan,
    }


class PaymentRecords:
    """Payment methods of :class:`~procureflow.adapters.db.payables_store.PayablesStore`."""

    engine: sa.Engine
    audit: SqlAuditLog

    # -- payments ----------------------------------------------------------------------
    def add_payment(
        self,
        idempotency_key: str,
        *,
        invoice_id: str,
        po_number: str | None,
        creditor_name: str,
        iban: str,
        bic: str | None,
        amount: Decimal,
        currency: str,
        pay_on: date,
        plan: dict[str, Any],
        approval_id: str | None,
    ) -> dict[str, Any]:
        """Authorise one payment per invoice; the same step again returns the same payment."""
        payment_id = payment_id_for(idempotency_key)
        with self.engine.begin() as conn:
            created = insert_if_absent(
                conn,
                payments,
                {
                    "payment_id": payment_id,
                    "invoice_id": invoice_id,
                    "po_number": po_number,
                    "creditor_name": creditor_name[:300],
                    "iban": iban,
                    "bic": bic,
                    "amount": amount,
                    "currency": currency,
                    "pay_on": pay_on,
                    "plan": plan,
                    "status": "authorised",
                    "approval_id": approval_id,
                    "export_message_id": None,
                    "created_at": utcnow(),
                    "exported_at": None,
                },
            )
            if created:
                conn.execute(
                    invoices.update()
                    .where(invoices.c.invoice_id == invoice_id)
                    .values(status="authorised")
                )
                self.audit.append(
                    conn,
                    stream=f"invoice:{invoice_id}",
                    kind="payment.authorised",
                    actor="procureflow",
                    subject=payment_id,
                    payload={
                        "amount": str(amount),
                        "currency": currency,
                        "pay_on": pay_on.isoformat(),
                        "approval_id": approval_id,
                    },
                )
            row = conn.execute(sa.select(payments).where(payments.c.invoice_id == invoice_id)).one()
        return _payment_json(row)

    def payments(self, *, status: str | None = None) -> list[dict[str, Any]]:
        """Payments by pay date."""
        query = sa.select(payments).order_by(payments.c.pay_on, payments.c.payment_id)
        if status:
            query = query.where(payments.c.status == status)
        with self.engine.connect() as conn:
            return [_payment_json(r) for r in conn.execute(query)]

    def mark_exported(
        self,
        payment_ids: Sequence[str],
        message_id: str,
        *,
        actor: str,
        amounts: Mapping[str, Decimal] | None = None,
        offset_credit_notes: Sequence[str] = (),
        at: datetime | None = None,
    ) -> None:
        """Record that these payments went to the bank in the file ``message_id``, with the
        amounts actually paid where credit notes reduced them; credit notes used up
        become ``offset``."""
        moment = at or utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                payments.update()
                .where(payments.c.payment_id.in_(list(payment_ids)))
                .values(status="exported", export_message_id=message_id, exported_at=moment)
            )
            for payment_id, amount in (amounts or {}).items():
                conn.execute(
                    payments.update()
                    .where(payments.c.payment_id == payment_id)
                    .values(amount=amount)
                )
            ids = list(
                conn.execute(
                    sa.select(payments.c.invoice_id).where(
                        payments.c.payment_id.in_(list(payment_ids))
                    )
                ).scalars()
            )
            conn.execute(
                invoices.update().where(invoices.c.invoice_id.in_(ids)).values(status="exported")
            )
            if offset_credit_notes:
                conn.execute(
                    invoices.update()
                    .where(invoices.c.invoice_id.in_(list(offset_credit_notes)))
                    .values(status="offset")
                )
            self.audit.append(
                conn,
                stream="payments",
                kind="payments.exported",
                actor=actor,
                subject=message_id,
                payload={
                    "payments": list(payment_ids),
                    "reduced": {k: str(v) for k, v in (amounts or {}).items()},
                    "credit_notes_offset": list(offset_credit_notes),
                },
            )


__all__ = ["PaymentRecords", "payment_id_for"]
