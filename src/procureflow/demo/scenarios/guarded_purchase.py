"""Guarded purchases: a small one released by the guardrails alone, a large one approved
by a person along the approval matrix."""

from __future__ import annotations

import time
from typing import Any

from procureflow.demo.scenarios.base import ScenarioResult
from procureflow.runtime.approvals import decide
from procureflow.runtime.launch import start_instance
from procureflow.runtime.services import Services

TITLE = "Guarded purchases (touchless and approved)"
PLAYBOOK = "approval-demo"


def _settle(
    svc: Services, instance_id: str, wanted: set[str], timeout: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    data = svc.instances.instance(instance_id)
    while data["status"] not in wanted and time.monotonic() < deadline:
        time.sleep(0.05)
        data = svc.instances.instance(instance_id)
    return data


def approve_along_chain(svc: Services, instance_id: str, people: dict[str, Any]) -> list[str]:
    """Approve the instance's pending requests as whichever demo person holds the role."""
    decided = []
    for approval in svc.approvals.inbox(status="pending"):
        if approval["instance_id"] != instance_id:
            continue
        person = next(p for p in people.values() if approval["role"] in p.roles)
        decide(
            svc,
            approval["id"],
            approver=person.id,
            approver_roles=person.roles,
            approve=True,
            quoted_digest=approval["digest"],
            comment="Approved in the demo",
        )
        decided.append(approval["id"])
    return decided


def run(svc: Services, people: dict[str, Any]) -> ScenarioResult:
    """Start both purchases, approve the large one, wait for both to finish."""
    playbook = svc.instances.latest_playbook(PLAYBOOK)
    small = start_instance(
        svc,
        playbook,
        {"amount": 900, "currency": "EUR", "category": "direct-materials"},
        actor="demo",
    )
    large = start_instance(
        svc,
        playbook,
        {"amount": 90000, "currency": "EUR", "category": "direct-materials"},
        actor="demo",
    )
    small_data = _settle(svc, small, {"completed", "faulted"})
    waiting = _settle(svc, large, {"waiting", "completed", "faulted"})
    approvals: list[str] = []
    while waiting["status"] == "waiting":
        approvals += approve_along_chain(svc, large, people)
        waiting = _settle(svc, large, {"completed", "faulted"}, timeout=10.0)
    large_data = waiting
    ok = (
        small_data["status"] == "completed"
        and bool((small_data["output"] or {}).get("released"))
        and large_data["status"] == "completed"
        and bool((large_data["output"] or {}).get("released"))
        and bool(approvals)
    )
    return ScenarioResult(
        name=TITLE,
        ok=ok,
        instances=[small, large],
        approvals=approvals,
        details={
            "touchless": {"instance": small, "status": small_data["status"]},
            "approved": {
                "instance": large,
                "status": large_data["status"],
                "approvals": len(approvals),
            },
        },
        problem=None if ok else f"small: {small_data['status']}, large: {large_data['status']}",
    )
