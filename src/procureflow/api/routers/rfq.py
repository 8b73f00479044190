"""Answers to a request for quote: the links ``/rfq/{token}/confirm`` and ``/decline``.

The token in the link is signed with the secret key and expires (``runtime.
disruption_links``): it is the supplier's authority, so no login is asked.

Opening a link (``GET``) changes nothing — mail scanners follow links by themselves: a
browser gets a page showing the request with Confirm and Decline buttons
(``web.rfq_pages``), a client asking for JSON gets the request's summary. The answer is a
``POST`` (from that page, or from a portal to these same paths) and becomes a
``supplier.confirmed`` / ``supplier.declined`` CloudEvent ingested like any other, which
wakes the playbook waiting for it. The event is identified by the request, so only the
first answer counts: a second answer (either path) returns ``recorded: false`` with the
answer already given. A ``POST`` a page of another site made a browser send is refused.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from procureflow.api.auth import refuse_cross_site
from procureflow.api.deps import ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.runtime.disruption_intake import RFQ_SOURCE, answer_rfq, rfq_summary

router = APIRouter(prefix="/rfq", tags=["rfq"])


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


async def _show(
    request: Request, svc: ServicesDep, token: str, proposed: str
) -> dict[str, Any] | Response:
    if _wants_json(request):
        return await run_in_threadpool(rfq_summary, svc, token)
    from procureflow.web.rfq_pages import rfq_page  # the dashboard's templates, when mounted

    return await rfq_page(request, token, proposed)


@router.get("/{token}/confirm", response_model=None, responses=problem_responses(403, 410))
async def show_confirm(request: Request, token: str, svc: ServicesDep) -> dict[str, Any] | Response:
    """The request the link names (changes nothing): a page to answer it, or its summary
    as JSON (``Accept: application/json``)."""
    return await _show(request, svc, token, "confirmed")


@router.get("/{token}/decline", response_model=None, responses=problem_responses(403, 410))
async def show_decline(request: Request, token: str, svc: ServicesDep) -> dict[str, Any] | Response:
    """As ``GET …/confirm``, with Decline as the proposed answer (changes nothing)."""
    return await _show(request, svc, token, "declined")


@router.post("/{token}/confirm", responses=problem_responses(403, 410))
async def confirm(request: Request, token: str, svc: ServicesDep) -> dict[str, Any]:
    """The supplier confirms it can deliver what the request asks."""
    refuse_cross_site(request)
    return await run_in_threadpool(answer_rfq, svc, token, "confirmed", None)


@router.post("/{token}/decline", responses=problem_responses(403, 410))
async def decline(
    request: Request,
    token: str,
    svc: ServicesDep,
    reason: str | None = Query(None, max_length=500, description="why, in a few words"),
) -> dict[str, Any]:
    """The supplier declines the request (optionally saying why)."""
    refuse_cross_site(request)
    return await run_in_threadpool(answer_rfq, svc, token, "declined", reason)


__all__ = ["RFQ_SOURCE", "answer_rfq", "router"]
