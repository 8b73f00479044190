"""Invoices to and from plain JSON, for the API, the CLI and storage.

Amounts travel as strings so no digit is lost; dates as ISO text. ``invoice_from_json``
reads what ``invoice_to_json`` wrote, so a stored invoice comes back equal.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from typing import Any

from procureflow.domain.invoice import DocumentType, Invoice, InvoiceLine, InvoiceTotals, Party
from procureflow.domain.money import to_decimal
from procureflow.errors import InvalidInput


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DocumentType):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def invoice_to_json(invoice: Invoice) -> dict[str, Any]:
    """The invoice as JSON-safe values, plus the amount owed (negative for a credit note)."""
    data: dict[str, Any] = _plain(asdict(invoice))
    data["signed_payable"] = invoice.signed_payable.to_json()
    return data


def _decimals(cls: type, raw: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in fields(cls):
        if spec.name not in raw:
            continue
        value = raw[spec.name]
        if value is not None and "Decimal" in str(spec.type):
            value = to_decimal(value, field=f"{where}.{spec.name}")
        out[spec.name] = value
    return out


def invoice_from_json(data: dict[str, Any]) -> Invoice:
    """Rebuild an invoice written by :func:`invoice_to_json`; InvalidInput naming a bad field."""
    try:
        lines = tuple(
            InvoiceLine(**_decimals(InvoiceLine, line, f"lines[{index}]"))
            for index, line in enumerate(data.get("lines", []))
        )
        due = data.get("due_date")
        return Invoice(
            number=data["number"],
            document_type=DocumentType(data["document_type"]),
            issue_date=date.fromisoformat(data["issue_date"]),
            currency=data["currency"],
            supplier=Party(**data["supplier"]),
            buyer=Party(**data["buyer"]),
            lines=lines,
            totals=InvoiceTotals(**_decimals(InvoiceTotals, data["totals"], "totals")),
            due_date=date.fromisoformat(due) if due else None,
            order_reference=data.get("order_reference"),
            buyer_reference=data.get("buyer_reference"),
            payment_terms_text=data.get("payment_terms_text"),
            syntax=data.get("syntax", "unknown"),
            source_sha256=data.get("source_sha256"),
            notes=tuple(data.get("notes", ())),
        )
    except KeyError as exc:
        raise InvalidInput(f"invoice JSON lacks {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"invoice JSON is malformed: {exc}") from exc


__all__ = ["invoice_from_json", "invoice_to_json"]
