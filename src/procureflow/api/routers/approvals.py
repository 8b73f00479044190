"""Approvals inbox and decisions (the decider is the token's user)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from procureflow.api.auth import APPROVERS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.api.routers.records import PAGED, TOTAL_HEADER
from procureflow.runtime.approvals import decide

router = APIRouter(prefix="/approvals", tags=["approvals"], dependencies=[access(APPROVERS)])


class ApprovalDecision(BaseModel):
    """A decision quotes the digest of the action the person reviewed."""

    decision: Literal["approve", "reject"]
    digest: str = Field(min_length=64, max_length=64, pattern="^[0-9a-fA-F]{64}$")
    comment: str | None = Field(default=None, max_length=2000)


@router.get("", responses=PAGED)
def list_approvals(
    svc: ServicesDep,
    response: Response,
    status: str | None = Query("pending"),
    role: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[dict[str, Any]]:
    """Approval requests, oldest first; the number matching in all is in ``X-Total-Count``."""
    wanted = None if status == "all" else status
    response.headers[TOTAL_HEADER] = str(svc.approvals.count(status=wanted, role=role))
    return svc.approvals.inbox(status=wanted, role=role, limit=limit, offset=offset)


@router.get("/{approval_id}")
def get_approval(svc: ServicesDep, approval_id: str) -> dict[str, Any]:
    """One approval request with its action, digest and reasoning."""
    return svc.approvals.get(approval_id)


@router.post("/{approval_id}/decision", responses=problem_responses(409))
async def decide_approval(
    svc: ServicesDep, user: CurrentUser, approval_id: str, body: ApprovalDecision
) -> dict[str, Any]:
    """Approve or reject; refused when stale, self-approved, or outside the user's roles."""
    return await run_in_threadpool(
        decide,
        svc,
        approval_id,
        approver=user.id,
        approver_roles=user.roles,
        approve=body.decision == "approve",
        quoted_digest=body.digest,
        comment=body.comment,
    )
