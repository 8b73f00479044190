"""Read-only lists of records whose owners' routers only write: stored documents and the
exception queue.

Every list takes ``limit``/``offset`` and exact-match filters, answers newest first, and
sends the number of records its filter matches in the ``X-Total-Count`` header.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from procureflow.adapters.db.listing import get_resource, list_resource
from procureflow.api.auth import SignedIn
from procureflow.api.deps import ServicesDep

router = APIRouter(dependencies=[SignedIn])

TOTAL_HEADER = "X-Total-Count"
PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            TOTAL_HEADER: {
                "description": "How many records the filter matches in all",
                "schema": {"type": "integer"},
            }
        }
    }
}
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Filter = Annotated[str | None, Query(max_length=300)]


async def _page(
    svc: ServicesDep,
    response: Response,
    resource: str,
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    rows, total = await run_in_threadpool(
        list_resource, svc.engine, resource, filters, limit, offset
    )
    response.headers[TOTAL_HEADER] = str(total)
    return rows


@router.get("/documents", tags=["documents"], responses=PAGED)
async def list_documents(
    svc: ServicesDep,
    response: Response,
    category: Filter = None,
    media_type: Filter = None,
    created_by: Filter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Stored documents, newest first."""
    filters = {"category": category, "media_type": media_type, "created_by": created_by}
    return await _page(svc, response, "documents", filters, limit, offset)


@router.get("/exceptions", tags=["exceptions"], responses=PAGED)
async def list_exceptions(
    svc: ServicesDep,
    response: Response,
    status: Filter = None,
    severity: Filter = None,
    owner_role: Filter = None,
    reason_code: Filter = None,
    subject_id: Filter = None,
    instance_id: Filter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """The exception queue, newest first."""
    filters = {
        "status": status,
        "severity": severity,
        "owner_role": owner_role,
        "reason_code": reason_code,
        "subject_id": subject_id,
        "instance_id": instance_id,
    }
    return await _page(svc, response, "exceptions", filters, limit, offset)


@router.get("/exceptions/{exception_id}", tags=["exceptions"])
async def get_exception(svc: ServicesDep, exception_id: str) -> dict[str, Any]:
    """One exception."""
    return await run_in_threadpool(get_resource, svc.engine, "exceptions", exception_id)


__all__ = ["TOTAL_HEADER", "router"]
