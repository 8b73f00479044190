"""One-click answers to a request for quote: ``GET /rfq/{token}/confirm`` and ``/decline``.

The token in the link is signed with the secret key and expires (``runtime.
disruption_links``): it is the supplier's authority, so no login is asked. An answer
becomes a ``supplier.confirmed`` / ``supplier.declined`` CloudEvent ingested like any
other, which wakes the playbook waiting for it. The event is identified by the request,
so only the first answer counts: a second click (either link) answers ``recorded:
false`` with the answer already given.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from procureflow.api.deps import ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.runtime.disruption_intake import RFQ_SOURCE, answer_rfq

router = APIRouter(prefix="/rfq", tags=["rfq"])


@router.get("/{token}/confirm", responses=problem_responses(403, 410))
async def confirm(token: str, svc: ServicesDep) -> dict[str, Any]:
    """The supplier confirms it can deliver what the request asks."""
    return await run_in_threadpool(answer_rfq, svc, token, "confirmed", None)


@router.get("/{token}/decline", responses=problem_responses(403, 410))
async def decline(
    token: str,
    svc: ServicesDep,
    reason: str | None = Query(None, max_length=500, description="why, in a few words"),
) -> dict[str, Any]:
    """The supplier declines the request (optionally saying why)."""
    return await run_in_threadpool(answer_rfq, svc, token, "declined", reason)


__all__ = ["RFQ_SOURCE", "answer_rfq", "router"]
