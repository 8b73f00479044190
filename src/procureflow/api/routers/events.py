"""POST /events takes a CloudEvents 1.0 JSON event; GET lists received events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from procureflow.adapters.db.user_store import User
from procureflow.api.auth import OPERATORS, REQUESTERS, SUPPLIER_VOICE, access, require_roles
from procureflow.api.deps import OVERLOADED_RESPONSE, CurrentUser, IntakeOpen, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.api.routers.records import PAGED, TOTAL_HEADER
from procureflow.domain.cloudevents import JSON_SCHEMA as CLOUDEVENT_SCHEMA
from procureflow.errors import Forbidden
from procureflow.runtime.dispatch import EventDispatcher

EXAMPLE = {
    "specversion": "1.0",
    "id": "A234-1234-1234",
    "source": "https://supplier.example/portal",
    "type": "supplier.delay_notice",
    "data": {"supplier_id": "SUP-001", "delay_days": 14},
}

router = APIRouter(prefix="/events", tags=["events"], dependencies=[access(REQUESTERS)])


class EventAccepted(BaseModel):
    """What happened to a posted event."""

    event: str
    duplicate: bool
    started: list[str]
    delivered_to: list[str]


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EventAccepted,
    responses={**problem_responses(403), **OVERLOADED_RESPONSE},
    dependencies=[IntakeOpen],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {**CLOUDEVENT_SCHEMA, "examples": [EXAMPLE]}}
            },
        }
    },
)
async def post_event(
    svc: ServicesDep,
    user: CurrentUser,
    event: dict[str, Any] = Body(...),  # noqa: B008 - described by CLOUDEVENT_SCHEMA
) -> dict[str, Any]:
    """Ingest one CloudEvent (structured JSON mode); a repeat of (source, id) is a duplicate.
    The signed-in sender is recorded as its actor and requests what it starts."""
    kind = event.get("type")
    if isinstance(kind, str) and kind.startswith("supplier.") and SUPPLIER_VOICE not in user.roles:
        raise Forbidden(
            f"{kind} speaks for a supplier: it comes from the supplier's signed link or an "
            f"integration with the {SUPPLIER_VOICE} role, not from a person"
        )
    result = await run_in_threadpool(EventDispatcher(svc).ingest, event, actor=user.id)
    return result.to_json()


@router.get("", responses=PAGED)
def list_events(
    svc: ServicesDep,
    response: Response,
    type: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[dict[str, Any]]:
    """Received events, newest first; the number matching in all is in ``X-Total-Count``."""
    response.headers[TOTAL_HEADER] = str(svc.events.count(type=type))
    return svc.events.recent(type=type, limit=limit, offset=offset)


class EventReplayed(BaseModel):
    """What a replay of a stored event started."""

    event: str
    started: list[str]


@router.post(
    "/{key}/replay",
    response_model=EventReplayed,
    responses=problem_responses(404, 409),
)
async def replay_event(
    svc: ServicesDep, key: str, user: Annotated[User, Depends(require_roles(*OPERATORS))]
) -> dict[str, Any]:
    """Start the playbooks a stored event triggers when it started none on arrival."""
    result = await run_in_threadpool(EventDispatcher(svc).replay, key, actor=user.id)
    return {"event": result.key, "started": result.started}
