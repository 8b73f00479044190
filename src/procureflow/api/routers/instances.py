"""Playbook instances: list, show, start."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from procureflow.api.auth import OPERATORS, REQUESTERS, access
from procureflow.api.deps import OVERLOADED_RESPONSE, CurrentUser, IntakeOpen, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.api.routers.records import PAGED, TOTAL_HEADER
from procureflow.runtime import instance_control
from procureflow.runtime.launch import start_instance

router = APIRouter(prefix="/instances", tags=["instances"], dependencies=[access(REQUESTERS)])

Status = Literal["running", "waiting", "completed", "faulted", "cancelled"]


class InstanceCreate(BaseModel):
    """Start the latest registered version of a playbook."""

    playbook: str = Field(min_length=1, max_length=200)
    namespace: str | None = None
    input: Any = Field(default_factory=dict)


@router.get("", responses=PAGED)
def list_instances(
    svc: ServicesDep,
    response: Response,
    status_: Status | None = Query(None, alias="status"),
    playbook: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[dict[str, Any]]:
    """Instances, newest first; the number matching in all is in ``X-Total-Count``."""
    response.headers[TOTAL_HEADER] = str(
        svc.instances.count_instances(status=status_, name=playbook)
    )
    return svc.instances.list_instances(status=status_, name=playbook, limit=limit, offset=offset)


@router.get("/{instance_id}")
def get_instance(svc: ServicesDep, instance_id: str) -> dict[str, Any]:
    """One instance with every task's state, input, output and timings."""
    return svc.instances.instance(instance_id)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[IntakeOpen],
    responses={**problem_responses(404), **OVERLOADED_RESPONSE},
)
async def create_instance(
    svc: ServicesDep, user: CurrentUser, body: InstanceCreate
) -> dict[str, Any]:
    """Start an instance; answers with its id at once (it runs durably in the background).
    The signed-in person is its requester."""
    version = svc.instances.latest_playbook(body.playbook, body.namespace)
    instance_id = await run_in_threadpool(start_instance, svc, version, body.input, actor=user.id)
    return {"id": instance_id, "playbook": version.name, "version": version.version}


CONTROL_RESPONSES = problem_responses(404, 409, 503)


class CancelRequest(BaseModel):
    """Why an instance is stopped for good (kept in the audit ledger)."""

    reason: str = Field(min_length=1, max_length=2000)


@router.post("/{instance_id}/cancel", dependencies=[access(OPERATORS)], responses=CONTROL_RESPONSES)
async def cancel_instance(
    svc: ServicesDep, user: CurrentUser, instance_id: str, body: CancelRequest
) -> dict[str, Any]:
    """Stop a running, waiting or faulted instance for good (operators)."""
    return await run_in_threadpool(
        instance_control.cancel, svc, instance_id, actor=user.id, reason=body.reason
    )


@router.post("/{instance_id}/retry", dependencies=[access(OPERATORS)], responses=CONTROL_RESPONSES)
async def retry_instance(svc: ServicesDep, user: CurrentUser, instance_id: str) -> dict[str, Any]:
    """Run a faulted instance again from the task that failed (operators)."""
    return await run_in_threadpool(instance_control.retry, svc, instance_id, actor=user.id)


@router.post("/{instance_id}/resume", dependencies=[access(OPERATORS)], responses=CONTROL_RESPONSES)
async def resume_instance(svc: ServicesDep, user: CurrentUser, instance_id: str) -> dict[str, Any]:
    """Continue an instance the engine stopped, from its last checkpoint (operators)."""
    return await run_in_threadpool(instance_control.resume, svc, instance_id, actor=user.id)
