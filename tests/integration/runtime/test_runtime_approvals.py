"""Human approval tasks: digest binding, segregation of duties, roles, SLA escalation."""

from __future__ import annotations

import time

import pytest

from procureflow.errors import Forbidden, SegregationOfDuties, StaleApproval
from procureflow.runtime.approvals import decide
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for


def _approval_playbook(chain: str) -> str:
    return playbook(
        "needs-approval",
        f"""do:
  - ask:
      call: procureflow.approval
      with:
        title: Release purchase order
        action: '${{ {{po: .po, amount: .amount, currency: "EUR"}} }}'
        amount: '${{ {{amount: .amount, currency: "EUR"}} }}'
        requested_by: somebody-else
        chain: {chain}
  - result:
      set:
        approved: ${{ .approved }}
        status: ${{ .status }}
        by: ${{ .decided_by }}
""",
    )


def _pending(runtime: Services, timeout: float = 20.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = runtime.approvals.inbox(status="pending")
        if rows:
            return rows[0]
        time.sleep(0.05)
    raise AssertionError("no pending approval appeared")


@pytest.fixture
def people(runtime: Services) -> None:
    users = runtime.extras["users"]
    users.add("bob", roles=["buyer", "budget_owner"])
    users.add("olga", roles=["budget_owner"])
    users.add("carl", roles=["cfo"])


def _decide(
    runtime: Services, approval: dict[str, object], who: str, digest: str, approve: bool = True
) -> dict[str, object]:
    user = runtime.extras["users"].get(who)
    return decide(
        runtime,
        str(approval["id"]),
        approver=user.id,
        approver_roles=user.roles,
        approve=approve,
        quoted_digest=digest,
    )


def test_an_approved_action_resumes_the_instance(runtime: Services, people: None) -> None:
    instance_id = run(
        runtime, _approval_playbook("[budget_owner, cfo]"), {"po": "PO-9", "amount": 1200}
    )
    wait_for(runtime, instance_id, "waiting")
    approval = _pending(runtime)
    assert approval["action"] == {"po": "PO-9", "amount": 1200, "currency": "EUR"}
    assert approval["role"] == "budget_owner"
    decided = _decide(runtime, approval, "olga", str(approval["digest"]))
    assert decided["status"] == "approved" and decided["decided_by"] == "olga"
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"] == {"approved": True, "status": "approved", "by": "olga"}
    kinds = [e.kind for e in runtime.audit.entries(f"instance:{instance_id}")]
    assert (
        kinds.index("approval.requested")
        < kinds.index("approval.approved")
        < kinds.index("instance.completed")
    )


def test_binding_rules_refuse_stale_self_and_wrong_role(runtime: Services, people: None) -> None:
    # bob starts it; the playbook names somebody else as requester, which changes nothing
    instance_id = run(
        runtime, _approval_playbook("[budget_owner]"), {"po": "PO-1", "amount": 50}, actor="bob"
    )
    wait_for(runtime, instance_id, "waiting")
    approval = _pending(runtime)
    with pytest.raises(StaleApproval):
        _decide(runtime, approval, "olga", "0" * 64)
    assert approval["requested_by"] == "bob"
    with pytest.raises(SegregationOfDuties):
        _decide(runtime, approval, "bob", str(approval["digest"]))
    with pytest.raises(Forbidden):
        _decide(runtime, approval, "carl", str(approval["digest"]))
    assert runtime.approvals.get(str(approval["id"]))["status"] == "pending"
    _decide(runtime, approval, "olga", str(approval["digest"]), approve=False)
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["approved"] is False
    assert data["output"]["status"] == "rejected"


def test_an_unanswered_request_escalates_along_the_chain(runtime: Services, people: None) -> None:
    # The playbook shortens the policy's first level to about a second; the request must
    # then move to the CFO by itself.
    chain = "[{role: budget_owner, sla_hours: 0.0003}, {role: cfo, sla_hours: 24}]"
    instance_id = run(runtime, _approval_playbook(chain), {"po": "PO-2", "amount": 9900})
    wait_for(runtime, instance_id, "waiting")
    approval = _pending(runtime)
    deadline = time.monotonic() + 20
    while runtime.approvals.get(str(approval["id"]))["role"] != "cfo":
        assert time.monotonic() < deadline, "the request did not escalate"
        time.sleep(0.1)
    with pytest.raises(Forbidden):
        _decide(runtime, approval, "olga", str(approval["digest"]))
    _decide(runtime, approval, "carl", str(approval["digest"]))
    data = wait_for(runtime, instance_id, "completed")
    assert data["output"]["by"] == "carl"
    kinds = [e.kind for e in runtime.audit.entries(f"instance:{instance_id}")]
    assert "approval.escalated" in kinds
