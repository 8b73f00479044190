"""Late approvals: the monitor escalates along the chain as the clock passes each SLA,
tells the next role, and raises an exception when the last level also lets it lapse."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.monitors import run_monitor
from procureflow.runtime.notifications import outbox_of
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for

CHAIN = playbook(
    "late-approval",
    """do:
  - ask:
      call: procureflow.approval
      with:
        title: Release PO-77
        action: '${ {po: "PO-77", amount: 4500, currency: "EUR"} }'
        amount: {amount: 4500, currency: EUR}
        category: direct-materials
        requested_by: bob
        chain: [{role: buyer, sla_hours: 8}, {role: category_manager, sla_hours: 24}]
  - result:
      set:
        status: ${ .status }
""",
)


def _pending(svc: Services) -> dict[str, object]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        rows = svc.approvals.inbox(status="pending")
        if rows:
            return rows[0]
        time.sleep(0.05)
    raise AssertionError("no pending approval")


def test_escalations_follow_the_chain_then_expiry_is_raised(runtime: Services) -> None:
    outbox_of(runtime).store.subscribe(
        role="category_manager", channel="email", target="cm@corp.example", by="t"
    )
    instance_id = run(runtime, CHAIN, {})
    wait_for(runtime, instance_id, "waiting")
    approval = _pending(runtime)
    created = approval["created_at"]
    assert isinstance(created, str)
    start = datetime.fromisoformat(created)

    early = run_monitor(runtime, "approvals", start + timedelta(hours=7))
    assert early["looked_at"] == {"pending_approvals": 1, "past_sla": 0}
    assert runtime.approvals.get(str(approval["id"]))["role"] == "buyer"

    escalated = run_monitor(runtime, "approvals", start + timedelta(hours=9))
    assert escalated["actions"]["approvals_escalated"] == 1
    now_with = runtime.approvals.get(str(approval["id"]))
    assert now_with["role"] == "category_manager" and now_with["level"] == 1
    (notice,) = outbox_of(runtime).store.recent()
    assert notice["target"] == "cm@corp.example"
    assert notice["subject"] == "Approval escalated to you: Release PO-77"

    quiet = run_monitor(runtime, "approvals", start + timedelta(hours=10))
    assert quiet["looked_at"]["past_sla"] == 0 and len(outbox_of(runtime).store.recent()) == 1

    # the policy's escalation role is the last level
    to_cfo = run_monitor(runtime, "approvals", start + timedelta(hours=34))
    assert to_cfo["actions"]["approvals_escalated"] == 1
    assert runtime.approvals.get(str(approval["id"]))["role"] == "cfo"

    lapsed = run_monitor(runtime, "approvals", start + timedelta(hours=59))
    assert lapsed["actions"]["approvals_expired"] == 1
    (raised,) = exception_queue(runtime).list(reason_code="approval.expired")
    assert raised["subject"] == {"type": "approval", "id": approval["id"]}
    assert raised["owner_role"] == "orchestrator" and raised["severity"] == "high"
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"] == {"status": "expired"}, "the waiting instance was woken"
    run_monitor(runtime, "approvals", start + timedelta(hours=65))
    (still,) = exception_queue(runtime).list(reason_code="approval.expired")
    assert still["status"] == "open", "an expired request stays with a person"
