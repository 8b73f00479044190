"""Policies: the policy in force, validation of a draft, and the what-if replay of a draft."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query

from procureflow.adapters.db.guard_decisions import list_guard_decisions
from procureflow.api.auth import POLICY_ANALYSTS, access
from procureflow.api.deps import ServicesDep
from procureflow.policies import (
    Policy,
    RecordedGuardDecision,
    load_default_policy,
    load_policy,
    simulate,
)

router = APIRouter(prefix="/policies", tags=["policies"], dependencies=[access(POLICY_ANALYSTS)])

YAML_BODY = Body(..., media_type="application/yaml", description="Policy YAML document")


def _active(svc: ServicesDep) -> Policy:
    policy = svc.extras.get("policy")
    return policy if isinstance(policy, Policy) else load_default_policy()


@router.get("/active")
def active_policy(svc: ServicesDep) -> dict[str, Any]:
    """The policy guards are evaluated with now, as validated, with its digest."""
    return _active(svc).to_json()


@router.post("/validate")
def validate_policy(source: str = YAML_BODY) -> dict[str, Any]:
    """Validate a draft policy (schema, roles, tiers, CEL) without putting it in force."""
    policy = load_policy(source, origin="upload")
    return {
        "valid": True,
        "name": policy.name,
        "version": policy.version,
        "digest": policy.digest,
        "guardrails": [guard.name for guard in policy.document.guardrails],
    }


@router.post("/simulate")
def simulate_policy(
    svc: ServicesDep,
    source: str = YAML_BODY,
    limit: int | None = Query(None, ge=1, le=1_000_000, description="Replay at most N"),
) -> dict[str, Any]:
    """Replay recorded guard decisions under a draft policy: what would change, and counts."""
    policy = load_policy(source, origin="upload")
    rows = list_guard_decisions(svc.engine, limit=limit)
    report = simulate(policy, [RecordedGuardDecision.model_validate(row) for row in rows])
    return report.to_json()


__all__ = ["router"]
