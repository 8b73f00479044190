"""The denied-party list over REST, under dual control.

A compliance officer's upload only *proposes* a replacement (202 with the proposal); a
different compliance officer confirms it to put it in force, or rejects it; its proposer
can withdraw it. Anyone signed in may read the proposals.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile
from pydantic import BaseModel, Field

from procureflow.api.auth import DOCUMENT_EDITORS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.payables_uploads import CONTRACT_LIMIT, read_limited
from procureflow.errors import Forbidden, NotFound
from procureflow.runtime.payables_stores import payables_stores

router = APIRouter(
    prefix="/contracts/screening", tags=["contracts"], dependencies=[access(DOCUMENT_EDITORS)]
)

ListName = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]
ProposalId = Annotated[str, Path(min_length=1, max_length=40)]


class Rejection(BaseModel):
    reason: str | None = Field(None, max_length=1000)


def _compliance_only(roles: AbstractSet[str]) -> None:
    if "compliance" not in roles:
        raise Forbidden("denied-party lists are changed by the compliance role only")


@router.post("/{list_name}", status_code=202)
def propose(
    svc: ServicesDep, user: CurrentUser, list_name: ListName, file: UploadFile = File(...)
) -> dict[str, Any]:
    """Propose a replacement of a denied-party list from CSV (``name``, optional
    ``country``, ``id``). Nothing changes until a second compliance officer confirms it."""
    _compliance_only(user.roles)
    data = read_limited(file, CONTRACT_LIMIT)
    return payables_stores(svc).contracts.propose_denied_parties(
        data, list_name=list_name, actor=user.id
    )


@router.get("/{list_name}/proposals")
def list_proposals(
    svc: ServicesDep,
    list_name: ListName,
    status: Literal["open", "confirmed", "rejected", "withdrawn"] | None = Query(None),
) -> list[dict[str, Any]]:
    """Proposed replacements of the list, newest first."""
    return payables_stores(svc).contracts.denied_party_proposals(list_name=list_name, status=status)


def _proposal_of(svc: ServicesDep, list_name: str, proposal_id: str) -> dict[str, Any]:
    found = payables_stores(svc).contracts.denied_party_proposal(proposal_id)
    if found["list"] != list_name:
        raise NotFound(f"list {list_name!r} has no proposal {proposal_id}", subject=proposal_id)
    return found


@router.get("/{list_name}/proposals/{proposal_id}")
def show_proposal(svc: ServicesDep, list_name: ListName, proposal_id: ProposalId) -> dict[str, Any]:
    """One proposal: its digest, counts, who proposed and who decided."""
    return _proposal_of(svc, list_name, proposal_id)


@router.post("/{list_name}/proposals/{proposal_id}/confirm")
def confirm(
    svc: ServicesDep, user: CurrentUser, list_name: ListName, proposal_id: ProposalId
) -> dict[str, Any]:
    """A second compliance officer puts the proposed list in force (the proposer may not)."""
    _compliance_only(user.roles)
    _proposal_of(svc, list_name, proposal_id)
    return payables_stores(svc).contracts.confirm_denied_parties(proposal_id, actor=user.id)


@router.post("/{list_name}/proposals/{proposal_id}/reject")
def reject(
    svc: ServicesDep,
    user: CurrentUser,
    list_name: ListName,
    proposal_id: ProposalId,
    body: Rejection | None = None,
) -> dict[str, Any]:
    """Close the proposal unused: withdrawn by its proposer, rejected by anyone else."""
    _compliance_only(user.roles)
    _proposal_of(svc, list_name, proposal_id)
    reason = body.reason if body else None
    return payables_stores(svc).contracts.reject_denied_parties(
        proposal_id, actor=user.id, reason=reason
    )


__all__ = ["router"]
