"""The bank file: every authorised payment (of one currency) as an ISO 20022
``pain.001.001.03`` credit transfer file, schema-validated, then marked exported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from procureflow.documents.pain001 import CreditTransfer, Debtor, export_pain001
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services


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
    if not due:
        raise InvalidInput(f"no authorised payments in {wanted} to export")
    transfers = [
        CreditTransfer(
            payment_id=p["payment_id"],
            creditor_name=p["creditor_name"],
            iban=p["iban"],
            bic=p["bic"],
            amount=Money(Decimal(p["amount"]["amount"]), wanted),
            execution_date=date.fromisoformat(p["pay_on"]),
            remittance=" ".join(filter(None, [p["plan"].get("invoice_number"), p["po_number"]])),
        )
        for p in due
    ]
    document = export_pain001(debtor, transfers)
    from lxml import etree

    message_id = etree.fromstring(document).findtext(".//{*}GrpHdr/{*}MsgId") or ""
    stores.payables.mark_exported([p["payment_id"] for p in due], message_id, actor=actor)
    return {
        "message_id": message_id,
        "payments": [p["payment_id"] for p in due],
        "total": str(sum(Decimal(p["amount"]["amount"]) for p in due)),
        "currency": wanted,
        "document": document,
    }


__all__ = ["export_authorised_payments"]
