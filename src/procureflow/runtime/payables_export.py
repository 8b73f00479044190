"""The bank file: every authorised payment (of one currency) as an ISO 20022
``pain.001.001.03`` credit transfer file, schema-validated, then marked exported.

Matched credit notes of a supplier are offset in full against that supplier's payments
in the file (largest payment first; a payment is never taken below one cent) and marked
``offset``; a credit note the file cannot absorb waits for the next one. Payments to a
supplier with an active payment hold are left out (still authorised) and listed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from procureflow.documents.pain001 import CreditTransfer, Debtor, export_pain001
from procureflow.domain.money import Money
from procureflow.errors import Conflict
from procureflow.runtime.payables_stores import PayablesStores, payables_stores
from procureflow.runtime.services import Services

CENT = Decimal("0.01")
ZERO = Decimal(0)


def _offsets(
    stores: PayablesStores, due: list[dict[str, Any]], currency: str
) -> tuple[dict[str, Decimal], dict[str, list[str]], list[str]]:
    """Reduction per payment id, the credit notes behind each, and the credit notes used.

    A credit note is offset only in full, in one file: when the supplier's payments in
    this file cannot absorb it, it waits for a later file.
    """
    supplier_of = {
        p["payment_id"]: stores.payables.get_invoice(p["invoice_id"])["supplier_key"] for p in due
    }
    reductions: dict[str, Decimal] = {}
    notes: dict[str, list[str]] = {}
    used: list[str] = []

    def room(payment: dict[str, Any]) -> Decimal:
        paid = Decimal(payment["amount"]["amount"]) - reductions.get(payment["payment_id"], ZERO)
        return max(paid - CENT, ZERO)

    for credit in stores.payables.list_invoices(status="credited"):
        if credit["amount"]["currency"] != currency:
            continue
        left = Decimal(credit["amount"]["amount"])
        payments = sorted(
            (p for p in due if supplier_of[p["payment_id"]] == credit["supplier_key"]),
            key=room,
            reverse=True,
        )
        if sum((room(p) for p in payments), ZERO) < left:
            continue
        for payment in payments:
            take = min(left, room(payment))
            if take > 0:
                reductions[payment["payment_id"]] = (
                    reductions.get(payment["payment_id"], ZERO) + take
                )
                notes.setdefault(payment["payment_id"], []).append(credit["number"])
                left -= take
        used.append(credit["invoice_id"])
    return reductions, notes, used


def _held(svc: Services, stores: PayablesStores, due: list[dict[str, Any]]) -> dict[str, str]:
    """Payments to suppliers with an active payment hold (placed by the monitors, e.g. for
    an expired certificate): payment id → reasons. They stay authorised for a later file."""
    from procureflow.runtime.monitors import payment_holds

    reasons: dict[str, list[str]] = {}
    for hold in payment_holds(svc).list(active=True):
        reasons.setdefault(hold["supplier_id"], []).append(hold["reason_code"])
    held: dict[str, str] = {}
    for payment in due:
        if not payment["po_number"]:
            continue
        supplier_id = stores.contracts.get(payment["po_number"])["supplier_id"]
        if supplier_id in reasons:
            held[payment["payment_id"]] = ", ".join(reasons[supplier_id])
    return held


def export_authorised_payments(
    svc: Services, debtor: Debtor, *, actor: str, currency: str | None = None
) -> dict[str, Any]:
    """Write the pain.001 file for all authorised payments in ``currency`` (default: the
    base currency) and mark them exported. InvalidInput when there is nothing to pay."""
    stores = payables_stores(svc)
    wanted = currency or svc.settings.base_currency
    due = [
        p
        for p in stores.payables.payments(status="authorised")
        if p["amount"]["currency"] == wanted
    ]
    if not due:  # a state that refuses the request, not bad input
        raise Conflict(f"no authorised payments in {wanted} to export")
    held = _held(svc, stores, due)
    due = [p for p in due if p["payment_id"] not in held]
    if not due:
        raise Conflict(
            f"every authorised payment in {wanted} is on hold: "
            + "; ".join(f"{pid} ({why})" for pid, why in held.items())
        )
    reductions, notes, used = _offsets(stores, due, wanted)
    transfers = []
    amounts: dict[str, Decimal] = {}
    for p in due:
        amount = Decimal(p["amount"]["amount"]) - reductions.get(p["payment_id"], Decimal(0))
        amounts[p["payment_id"]] = amount
        remittance = " ".join(filter(None, [p["plan"].get("invoice_number"), p["po_number"]]))
        if p["payment_id"] in notes:
            remittance += " less credit " + " ".join(notes[p["payment_id"]])
        transfers.append(
            CreditTransfer(
                payment_id=p["payment_id"],
                creditor_name=p["creditor_name"],
                iban=p["iban"],
                bic=p["bic"],
                amount=Money(amount, wanted),
                execution_date=date.fromisoformat(p["pay_on"]),
                remittance=remittance,
            )
        )
    document = export_pain001(debtor, transfers)
    from lxml import etree

    message_id = etree.fromstring(document).findtext(".//{*}GrpHdr/{*}MsgId") or ""
    stores.payables.mark_exported(
        [p["payment_id"] for p in due],
        message_id,
        actor=actor,
        amounts={pid: amounts[pid] for pid in reductions},
        offset_credit_notes=used,
    )
    return {
        "message_id": message_id,
        "payments": [p["payment_id"] for p in due],
        "total": str(sum(amounts.values())),
        "currency": wanted,
        "credit_notes_offset": used,
        "held": held,
        "document": document,
    }


__all__ = ["export_authorised_payments"]
