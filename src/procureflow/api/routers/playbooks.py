"""Playbooks: list registered versions, validate and register new ones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, status

from procureflow.api.auth import OPERATORS, access
from procureflow.api.deps import ServicesDep
from procureflow.runtime.playbook_catalog import check, register_source

router = APIRouter(prefix="/playbooks", tags=["playbooks"], dependencies=[access(OPERATORS)])

YAML_BODY = Body(..., media_type="application/yaml", description="Serverless Workflow 1.0 YAML")


@router.get("")
def list_playbooks(svc: ServicesDep) -> list[dict[str, Any]]:
    """The latest version of every registered playbook."""
    return [
        {
            "namespace": p.namespace,
            "name": p.name,
            "version": p.version,
            "sha256": p.id,
            "registered_at": p.registered_at.isoformat(),
        }
        for p in svc.instances.list_playbooks()
    ]


@router.get("/{name}")
def get_playbook(svc: ServicesDep, name: str) -> dict[str, Any]:
    """The latest version of one playbook, with its source."""
    p = svc.instances.latest_playbook(name)
    return {
        "namespace": p.namespace,
        "name": p.name,
        "version": p.version,
        "sha256": p.id,
        "source": p.source,
    }


@router.post("/validate")
def validate_playbook(svc: ServicesDep, source: str = YAML_BODY) -> dict[str, Any]:
    """Validate a playbook without storing it."""
    playbook = check(svc, source, "upload")
    return {
        "valid": True,
        "namespace": playbook.document.namespace,
        "name": playbook.document.name,
        "version": playbook.document.version,
    }


@router.post("", status_code=status.HTTP_201_CREATED)
def register_playbook(svc: ServicesDep, source: str = YAML_BODY) -> dict[str, Any]:
    """Validate and store a playbook version."""
    p = register_source(svc, source, "upload")
    return {"namespace": p.namespace, "name": p.name, "version": p.version, "sha256": p.id}
