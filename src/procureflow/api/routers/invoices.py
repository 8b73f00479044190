"""E-invoices over REST: upload (UBL, CII, Factur-X; 100 MB at most, refused with 413
above it), list, and show with match results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, UploadFile

from procureflow.api.auth import DOCUMENT_EDITORS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.payables_uploads import INVOICE_LIMIT, read_limited
from procureflow.api.problem_docs import problem_responses
from procureflow.runtime.payables_intake import receive_invoice
from procureflow.runtime.payables_stores import payables_stores

router = APIRouter(prefix="/invoices", tags=["invoices"], dependencies=[access(DOCUMENT_EDITORS)])


@router.post("", status_code=201, responses=problem_responses(413))
def upload_invoice(
    svc: ServicesDep, user: CurrentUser, file: UploadFile = File(...)
) -> dict[str, Any]:
    """Receive an e-invoice: parsed (entities and network off), validated (XML schema,
    EN 16931 / Factur-X schematron, PDF/A-3 container), kept with what validation found,
    and handed to the instance waiting for its PO. An invalid invoice is kept ``held``
    for accounts payable and never matched; a file that cannot be read is refused
    naming the problem, and nothing is stored."""
    data = read_limited(file, INVOICE_LIMIT)
    return receive_invoice(svc, data, file.filename or "invoice", actor=user.id)


@router.get("")
def list_invoices(
    svc: ServicesDep, po_number: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Invoices, oldest first, optionally by PO and status."""
    return payables_stores(svc).payables.list_invoices(po_number=po_number, status=status)


@router.get("/{invoice_id}")
def show_invoice(svc: ServicesDep, invoice_id: str) -> dict[str, Any]:
    """One invoice with its validation findings and every match result (decision,
    reason codes, findings)."""
    store = payables_stores(svc).payables
    found = store.get_invoice(invoice_id)
    found["matches"] = store.match_results(invoice_id)
    return found


__all__ = ["router"]
