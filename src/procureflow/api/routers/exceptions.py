"""``/exceptions``: acting on the queue of what needs a person — acknowledge, resolve
(resolving resumes a playbook instance waiting on the exception) — and
``/exceptions/monitors/…``: recorded monitor runs, a pass run by hand, payment holds.

Reading the queue (``GET /exceptions``, ``GET /exceptions/{id}``, paged and filtered) is
served by the records router with the other procurement records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, field_validator

from procureflow.api.auth import APPROVERS, OPERATORS, access, require_roles
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.api.request_types import IsoDateTime
from procureflow.errors import InvalidInput
from procureflow.runtime.exception_functions import acknowledge, resolve
from procureflow.runtime.monitors import MONITORS, monitor_store, payment_holds, run_pass

router = APIRouter(prefix="/exceptions", tags=["exceptions"], dependencies=[access(APPROVERS)])


class ExceptionResolution(BaseModel):
    """What the person decided: free JSON for a waiting playbook, and/or a note."""

    resolution: dict[str, Any] = Field(default_factory=dict)
    note: str | None = Field(default=None, max_length=2000)


AS_OF_YEARS = r"^(19[7-9][0-9]|2[0-9]{3})-"


class MonitorPass(BaseModel):
    """A pass run by hand: which monitors (default all), as of when (default now)."""

    monitors: list[str] = Field(
        default_factory=list,
        max_length=len(MONITORS),
        json_schema_extra={"items": {"type": "string", "enum": list(MONITORS)}},
    )
    as_of: IsoDateTime | None = Field(
        default=None,
        description="a moment between 1970 and 2999 (a pass looks back and ahead from it)",
        json_schema_extra={"pattern": AS_OF_YEARS},
    )

    @field_validator("as_of")
    @classmethod
    def _within_range(cls, value: datetime | None) -> datetime | None:
        # the pass computes windows around the moment and stores it in UTC: at the ends of
        # the calendar that overflows (a server error), so such a moment is refused here
        if value is not None and not 1970 <= value.year <= 2999:
            raise ValueError("as_of must lie between 1970 and 2999")
        return value


@router.get("/monitors/runs")
def list_monitor_runs(
    svc: ServicesDep,
    monitor: str | None = Query(None, max_length=100),
    limit: int = Query(50, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Recorded monitor runs, newest first: what each looked at, found and did."""
    return monitor_store(svc).runs(monitor, limit)


@router.post("/monitors/run", dependencies=[Depends(require_roles(*OPERATORS))])
async def run_monitors(svc: ServicesDep, body: MonitorPass) -> list[dict[str, Any]]:
    """Run a monitor pass now (operators only); ``as_of`` replays it at another moment."""
    if body.as_of is not None and body.as_of.tzinfo is None:
        raise InvalidInput("as_of needs a time zone (e.g. 2027-01-15T06:00:00Z)", subject="as_of")
    return await run_in_threadpool(run_pass, svc, body.as_of, body.monitors or None)


@router.get("/monitors/holds")
def list_payment_holds(
    svc: ServicesDep, supplier_id: str | None = Query(None, max_length=100), active: bool = True
) -> list[dict[str, Any]]:
    """Payment holds placed by the monitors (active ones by default)."""
    return payment_holds(svc).list(supplier_id, True if active else None)


@router.post("/{exception_id}/ack", responses=problem_responses(409))
async def acknowledge_exception(
    svc: ServicesDep, user: CurrentUser, exception_id: str
) -> dict[str, Any]:
    """Acknowledge (the owner role, orchestrator or admin)."""
    return await run_in_threadpool(acknowledge, svc, exception_id, user=user.id, roles=user.roles)


@router.post("/{exception_id}/resolve", responses=problem_responses(409))
async def resolve_exception(
    svc: ServicesDep, user: CurrentUser, exception_id: str, body: ExceptionResolution
) -> dict[str, Any]:
    """Resolve with what was decided; a playbook waiting on it resumes with it."""
    decided = dict(body.resolution)
    if body.note:
        decided["note"] = body.note
    return await run_in_threadpool(
        resolve, svc, exception_id, user=user.id, resolution=decided, roles=user.roles
    )
