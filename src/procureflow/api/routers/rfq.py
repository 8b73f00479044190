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
from procureflow.domain.cloudevents import new_event
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.disruption_links import verify_rfq
from procureflow.runtime.services import Services

router = APIRouter(prefix="/rfq", tags=["rfq"])

RFQ_SOURCE = "procureflow/rfq"


def answer(svc: Services, token: str, decision: str, reason: str | None) -> dict[str, Any]:
    """Check the link and ingest the supplier's answer as an event."""
    claim = verify_rfq(token, svc.settings.secret_key)
    event = new_event(
        type=f"supplier.{decision}",
        source=RFQ_SOURCE,
        id=claim.rfq_id,
        subject=claim.supplier_id,
        data={**claim.to_json(), "decision": decision, "reason": reason},
    )
    result = EventDispatcher(svc).ingest(event, actor=f"supplier:{claim.supplier_id}")
    given = decision
    if result.duplicate:
        stored = svc.events.get(RFQ_SOURCE, claim.rfq_id) or {}
        first = stored.get("envelope") or {}
        given = str(first.get("type", "")).removeprefix("supplier.") or "answered"
    return {
        "rfq_id": claim.rfq_id,
        "supplier_id": claim.supplier_id,
        "decision": given,
        "recorded": not result.duplicate,
        "message": (
            f"Thank you: {claim.rfq_id} is {decision}."
            if not result.duplicate
            else f"{claim.rfq_id} was already answered ({given}); nothing changed."
        ),
    }


@router.get("/{token}/confirm")
async def confirm(token: str, svc: ServicesDep) -> dict[str, Any]:
    """The supplier confirms it can deliver what the request asks."""
    return await run_in_threadpool(answer, svc, token, "confirmed", None)


@router.get("/{token}/decline")
async def decline(
    token: str,
    svc: ServicesDep,
    reason: str | None = Query(None, max_length=500, description="why, in a few words"),
) -> dict[str, Any]:
    """The supplier declines the request (optionally saying why)."""
    return await run_in_threadpool(answer, svc, token, "declined", reason)


__all__ = ["RFQ_SOURCE", "answer", "router"]
