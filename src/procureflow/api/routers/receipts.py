"""Goods receipts over REST: record a delivery against a PO's lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, WithJsonSchema

from procureflow.api.auth import APPROVERS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.api.request_types import IsoDate
from procureflow.runtime.payables_intake import record_receipt
from procureflow.runtime.payables_stores import payables_stores

router = APIRouter(prefix="/receipts", tags=["receipts"], dependencies=[access(APPROVERS)])


Quantity = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^[+-]?[0-9]{1,15}(\.[0-9]{1,6})?$"},
            ]
        }
    ),
]
"""A quantity as a JSON number or a decimal string (what Decimal reads)."""


class ReceiptCreate(BaseModel):
    receipt_id: str = Field(min_length=1, max_length=100)
    po_number: str = Field(min_length=1, max_length=100)
    lines: dict[str, Quantity] = Field(min_length=1, description="PO line id → quantity received")
    received_on: IsoDate | None = None


@router.post("", status_code=201, responses=problem_responses(404))
def add_receipt(svc: ServicesDep, user: CurrentUser, body: ReceiptCreate) -> dict[str, Any]:
    """Record goods received (the same receipt id again changes nothing)."""
    return record_receipt(
        svc,
        receipt_id=body.receipt_id,
        po_number=body.po_number,
        lines=body.lines,
        received_on=body.received_on or date.today(),
        actor=user.id,
    )


@router.get("")
def list_receipts(svc: ServicesDep, po_number: str) -> list[dict[str, Any]]:
    """The PO's receipts."""
    return [
        {
            "receipt_id": r.receipt_id,
            "po_number": r.po_number,
            "received_on": r.received_on.isoformat(),
            "lines": {line.po_line_id: str(line.quantity) for line in r.lines},
        }
        for r in payables_stores(svc).payables.receipts(po_number)
    ]


__all__ = ["router"]
