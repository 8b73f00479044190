"""Payments over REST: list authorised and exported payments; export the pain.001 file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from procureflow.api.auth import access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.documents.pain001 import Debtor
from procureflow.runtime.payables_export import export_authorised_payments
from procureflow.runtime.payables_stores import payables_stores

router = APIRouter(
    prefix="/payments",
    tags=["payments"],
    dependencies=[access(("accounts_payable", "cfo", "admin"))],
)


class ExportRequest(BaseModel):
    debtor_name: str = Field(min_length=1, max_length=70)
    debtor_iban: str = Field(min_length=15, max_length=40)
    debtor_bic: str | None = None
    currency: str | None = Field(None, pattern="^[A-Z]{3}$")


@router.get("")
def list_payments(svc: ServicesDep, status: str | None = None) -> list[dict[str, Any]]:
    """Payments by pay date, with the reason for each pay date."""
    return payables_stores(svc).payables.payments(status=status)


@router.post(
    "/export",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {}}, "description": "pain.001.001.03"},
        **problem_responses(409),
    },
)
def export(svc: ServicesDep, user: CurrentUser, body: ExportRequest) -> Response:
    """The ISO 20022 pain.001.001.03 file of every authorised payment (schema-valid); the
    payments are marked exported."""
    debtor = Debtor(name=body.debtor_name, iban=body.debtor_iban, bic=body.debtor_bic)
    result = export_authorised_payments(svc, debtor, actor=user.id, currency=body.currency)
    return Response(
        content=result["document"],
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{result["message_id"]}.xml"',
            "X-Payments": str(len(result["payments"])),
        },
    )


__all__ = ["router"]
