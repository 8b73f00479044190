"""Signed contracts over REST: upload a DOCX/PDF (terms read, contract-to-pay started),
take the final PDF of a completed co-signing session, sign from an OCDS release; list and
show contracts with onboarding, milestones and compliance record; complete a milestone.
The denied-party list is in ``screening.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from procureflow.api.auth import DOCUMENT_EDITORS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.payables_uploads import CONTRACT_LIMIT, read_limited
from procureflow.api.problem_docs import problem_responses
from procureflow.api.request_types import IsoDate
from procureflow.api.routers.documents import DocumentsDep
from procureflow.errors import Conflict, Forbidden
from procureflow.runtime.payables_intake import (
    complete_milestone,
    sign_contract_file,
    sign_ocds_release,
)
from procureflow.runtime.payables_onboarding import set_bank_details
from procureflow.runtime.payables_stores import payables_stores

router = APIRouter(prefix="/contracts", tags=["contracts"], dependencies=[access(DOCUMENT_EDITORS)])


class MilestoneDone(BaseModel):
    completed_on: IsoDate | None = None


class BankDetails(BaseModel):
    iban: str = Field(min_length=15, max_length=40)
    bic: str | None = Field(None, min_length=8, max_length=11)


@router.post("", status_code=201, responses=problem_responses(409, 413))
def upload_contract(
    svc: ServicesDep, user: CurrentUser, file: UploadFile = File(...)
) -> dict[str, Any]:
    """Record a signed contract (DOCX or PDF): its terms with evidence, and the
    ``contract.signed`` event that starts contract-to-pay. The same file twice is one
    contract."""
    data = read_limited(file, CONTRACT_LIMIT)
    return sign_contract_file(svc, data, file.filename or "contract", actor=user.id)


@router.post("/ocds", status_code=201, responses=problem_responses(409, 413))
def upload_ocds(
    svc: ServicesDep, user: CurrentUser, file: UploadFile = File(...), payment_terms: str = "net 30"
) -> list[dict[str, Any]]:
    """Record the signed contracts of an OCDS release package (payment terms as given:
    OCDS has no field for them)."""
    data = read_limited(file, CONTRACT_LIMIT)
    return sign_ocds_release(
        svc, data, file.filename or "release.json", actor=user.id, payment_terms=payment_terms
    )


@router.post("/from-signing/{session_id}", status_code=201, responses=problem_responses(409))
def from_signing(
    svc: ServicesDep, user: CurrentUser, session_id: str, docs: DocumentsDep
) -> dict[str, Any]:
    """Record the contract co-signed in the platform: the completed signing session's
    final PDF is read for its terms and announced as ``contract.signed``."""
    session = docs.session(session_id)
    if session["next_signer"] is not None:
        raise Conflict(
            f"signing session {session_id} is not complete: {session['next_signer']} has "
            "not signed yet",
            subject=session_id,
        )
    data = docs.store.get(session["current_sha256"])
    original = docs.catalog.document(session["document_sha256"])
    name = original.name if original else f"{session_id}.pdf"
    return sign_contract_file(svc, data, name, actor=user.id, origin="signing")


@router.get("")
def list_contracts(svc: ServicesDep) -> list[dict[str, Any]]:
    """Signed contracts, newest first (terms left out)."""
    rows = payables_stores(svc).contracts.list_contracts()
    for row in rows:
        row.pop("terms")
    return rows


@router.get("/{contract_id}")
def show_contract(svc: ServicesDep, contract_id: str) -> dict[str, Any]:
    """A contract with its terms, onboarding checklist, milestones and certificates."""
    stores = payables_stores(svc)
    found = stores.contracts.get(contract_id)
    cid = found["contract_id"]
    found["onboarding"] = stores.contracts.tasks(cid)
    found["milestones"] = stores.contracts.milestones(cid)
    found["certificates"] = stores.contracts.certificates(cid)
    return found


@router.post("/{contract_id}/milestones/{milestone_id}/complete", responses=problem_responses(409))
def complete(
    svc: ServicesDep, user: CurrentUser, contract_id: str, milestone_id: str, body: MilestoneDone
) -> dict[str, Any]:
    """Record a milestone completed (``milestone.completed`` wakes the PO's instance)."""
    return complete_milestone(
        svc,
        po_or_contract=contract_id,
        milestone_id=milestone_id,
        on=body.completed_on or date.today(),
        actor=user.id,
    )


@router.put("/{contract_id}/bank-details")
def put_bank_details(
    svc: ServicesDep, user: CurrentUser, contract_id: str, body: BankDetails
) -> dict[str, Any]:
    """Accounts payable confirms or corrects the supplier's account (validated)."""
    if "accounts_payable" not in user.roles and "admin" not in user.roles:
        raise Forbidden("bank details are confirmed by accounts payable")
    return set_bank_details(payables_stores(svc), contract_id, body.iban, body.bic, actor=user.id)


__all__ = ["router"]
