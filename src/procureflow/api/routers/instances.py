"""Playbook instances: list, show, start."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from procureflow.api.auth import REQUESTERS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.api.routers.records import PAGED, TOTAL_HEADER
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


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=problem_responses(404))
async def create_instance(
    svc: ServicesDep, user: CurrentUser, body: InstanceCreate
) -> dict[str, Any]:
    """Start an instance; answers with its id at once (it runs durably in the background).
    The signed-in person is its requester."""
    version = svc.instances.latest_playbook(body.playbook, body.namespace)
    instance_id = await run_in_threadpool(start_instance, svc, version, body.input, actor=user.id)
    return {"id": instance_id, "playbook": version.name, "version": version.version}
