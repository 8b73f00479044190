"""The approval chain is the policy's: a playbook can only make it stricter, never name
its own approvers, its own requester or leave out the amount the matrix routes by."""

from __future__ import annotations

import time

import pytest

from procureflow.errors import SegregationOfDuties
from procureflow.runtime.approvals import decide
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for


def _ask(chain: str, *, amount: str | None, category: str = "direct-materials") -> str:
    amount_line = f"        amount: {amount}\n" if amount is not None else ""
    return playbook(
        "ask-for-approval",
        f"""do:
  - ask:
      call: procureflow.approval
      with:
        title: Release purchase order
        action: '${{ {{po: "PO-900", amount: {{amount: 900000, currency: "EUR"}}}} }}'
{amount_line}        category: {category}
        requested_by: someone-else
        chain: {chain}
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


def _chain(approval: dict[str, object]) -> list[tuple[str, float]]:
    levels = approval["chain"]
    assert isinstance(levels, list)
    return [(level["role"], level["sla_hours"]) for level in levels]


BIG = "{amount: 900000, currency: EUR}"


def test_a_playbook_chain_cannot_weaken_the_policy_chain(runtime: Services) -> None:
    # The orchestrator writes a chain with only his own role for a 900,000 EUR action.
    instance_id = run(runtime, _ask("[buyer]", amount=BIG), actor="olaf")
    wait_for(runtime, instance_id, "waiting")
    approval = _pending(runtime)
    # the default policy's top tier for direct materials: the CFO decides first
    assert _chain(approval)[0] == ("cfo", 48.0)
    assert approval["role"] == "cfo"
    assert [role for role, _ in _chain(approval)] == ["cfo"]


def test_a_playbook_chain_can_only_shorten_a_policy_sla_never_add_an_approver(
    runtime: Services,
) -> None:
    chain = "[{role: legal, sla_hours: 2}, {role: cfo, sla_hours: 4}, {role: cfo, sla_hours: 900}]"
    instance_id = run(runtime, _ask(chain, amount=BIG), actor="olaf")
    wait_for(runtime, instance_id, "waiting")
    # legal is not an approver the policy names: on an escalation ladder it would be one
    # more person who could decide once the CFO's time ran out
    assert _chain(_pending(runtime)) == [("cfo", 4.0)]


def test_a_longer_playbook_sla_does_not_stretch_the_policy_sla(runtime: Services) -> None:
    instance_id = run(runtime, _ask("[{role: cfo, sla_hours: 500}]", amount=BIG), actor="olaf")
    wait_for(runtime, instance_id, "waiting")
    assert _chain(_pending(runtime)) == [("cfo", 48.0)]


def test_a_playbook_without_amount_is_refused(runtime: Services) -> None:
    instance_id = run(runtime, _ask("[cfo]", amount=None), actor="olaf")
    data = wait_for(runtime, instance_id, "faulted")
    assert "amount" in str(data["error"])
    assert runtime.approvals.inbox(status="pending") == []


def test_an_understated_amount_does_not_lower_the_chain(runtime: Services) -> None:
    # The separate 'amount' says 10 EUR, the action itself is worth 900,000 EUR.
    instance_id = run(runtime, _ask("[]", amount="{amount: 10, currency: EUR}"), actor="olaf")
    wait_for(runtime, instance_id, "waiting")
    assert _chain(_pending(runtime)) == [("cfo", 48.0)]


def test_an_amount_the_policy_cannot_price_goes_to_its_top_tier(runtime: Services) -> None:
    source = _ask("[buyer]", amount="{amount: 10, currency: USD}").replace(
        'currency: "EUR"', 'currency: "USD"'
    )
    instance_id = run(runtime, source, actor="olaf")
    wait_for(runtime, instance_id, "waiting")
    assert _chain(_pending(runtime)) == [("cfo", 48.0)]


def test_the_requester_cannot_approve_whatever_the_playbook_names(runtime: Services) -> None:
    users = runtime.extras["users"]
    users.add("olaf", roles=["cfo", "buyer"])
    users.add("carla", roles=["cfo"])
    # requested_by: someone-else and a chain of olaf's own role: olaf is still the requester
    instance_id = run(runtime, _ask("[cfo]", amount=BIG), actor="olaf")
    wait_for(runtime, instance_id, "waiting")
    approval = _pending(runtime)
    assert approval["requested_by"] == "olaf"
    olaf = users.get("olaf")
    with pytest.raises(SegregationOfDuties):
        decide(
            runtime,
            str(approval["id"]),
            approver=olaf.id,
            approver_roles=olaf.roles,
            approve=True,
            quoted_digest=str(approval["digest"]),
        )
    requested = [
        e
        for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind == "approval.requested"
    ]
    assert [e.actor for e in requested] == ["olaf"]
    carla = users.get("carla")
    decided = decide(
        runtime,
        str(approval["id"]),
        approver=carla.id,
        approver_roles=carla.roles,
        approve=True,
        quoted_digest=str(approval["digest"]),
    )
    assert decided["status"] == "approved" and decided["decided_by"] == "carla"
