"""Supply disruption end to end: a delay mail in, an executed recovery plan out.

The demo master data and open orders are stored, the packaged mail of Huaxin's six-week
motor delay is ingested as ``procureflow ingest email`` does, and the playbook is driven
like people and suppliers would: the approver decides in the approval inbox, suppliers
click the signed links of their request for quote.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest

from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.policies import load_policy
from procureflow.runtime.disruption_messages import messages
from procureflow.runtime.ports import CallContext
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import (
    approve,
    click,
    demo_mail,
    ingest,
    pending_approval,
    prepare,
    rfq_round,
    task_output,
    timeline,
    wait_for,
)

DEMO_ORDERS = 5


def _in_order(kinds: list[str], expected: list[str]) -> None:
    """``expected`` appears in ``kinds`` in this order (other entries may come between)."""
    position = 0
    for kind in expected:
        assert kind in kinds[position:], f"{kind} missing after position {position}: {kinds}"
        position = kinds.index(kind, position) + 1


def _recovery_orders(store: PurchaseOrderStore, instance_id: str) -> list[Any]:
    return store.list(origin=instance_id)


class _Clock:
    """Durability stand-in for calling a step's function again outside the engine."""

    def now(self) -> Any:
        from procureflow.domain.clock import utcnow

        return utcnow()


def _replay(runtime: Services, instance_id: str, task: str) -> Any:
    """Run a finished task's function again with the same idempotency key (a crash replay)."""
    run = [t for t in runtime.instances.instance(instance_id)["tasks"] if t["name"] == task][-1]
    spec = runtime.functions.get(f"disruption.{task}")
    assert spec is not None
    context = CallContext(
        instance_id=instance_id,
        task_key=run["key"],
        task_name=task,
        pointer=run["pointer"],
        idempotency_key=f"{instance_id}:{run['key']}",
        durability=_Clock(),  # type: ignore[arg-type]
        workflow={},
    )
    args = {"assessment": run["input"]["assessment"], "proposal": run["input"]["proposal"]}
    return spec.fn(args, context)


def test_a_delay_mail_becomes_an_approved_plan_executed_exactly_once(runtime: Services) -> None:
    store = prepare(runtime)
    started = ingest(runtime, demo_mail(), "huaxin.eml")
    assert started["type"] == "supplier.delay_notice" and len(started["started"]) == 1
    instance_id = started["started"][0]

    approval = pending_approval(runtime, instance_id)
    assert wait_for(runtime, instance_id, "waiting")["status"] == "waiting"
    assert approval["action"]["kind"] == "recovery_plan"
    assert approval["action"]["suppliers"][0]["id"] == "SUP-KOWALSKI"
    assert "price increase above the 5 % limit" in approval["reasoning"]
    # the approvers are the policy's: the chain the guard named, with an SLA running
    guard = task_output(runtime, instance_id, "checkGuardrails")["guard"]
    assert guard["outcome"] == "require_approval"
    assert [level["role"] for level in approval["chain"]] == [
        level["role"] for level in guard["approval_chain"]
    ]
    assert approval["role"] == guard["approval_chain"][0]["role"] and approval["due_at"]
    assert store.count() == DEMO_ORDERS  # nothing bought before the approval

    assert approve(runtime, approval)["status"] == "approved"
    rfq = rfq_round(runtime, instance_id)
    assert [r["supplier_id"] for r in rfq["requests"]] == ["SUP-KOWALSKI"]
    assert click(runtime, rfq["requests"][0]["confirm_url"])["recorded"] is True

    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["status"] == "completed", data.get("error")
    assert data["output"]["outcome"] == "executed"
    recovery = _recovery_orders(store, instance_id)
    assert [(o.po.supplier_id, str(o.po.lines[0].quantity)) for o in recovery] == [
        ("SUP-KOWALSKI", "1660")
    ]
    delayed = store.get("PO-2026-0412")
    assert delayed.status == "reduced" and delayed.po.lines[0].quantity == 0
    sent = {(m["purpose"], m["supplier_id"]) for m in messages(runtime, instance_id)}
    assert sent == {
        ("rfq", "SUP-KOWALSKI"),
        ("purchase_order", "SUP-KOWALSKI"),
        ("po_reduction", "SUP-HUAXIN"),
    }

    # the same mail again starts nothing; the execution step replayed writes nothing twice
    assert ingest(runtime, demo_mail(), "huaxin-again.eml")["duplicate"] is True
    again = _replay(runtime, instance_id, "execute")
    assert [p["po_number"] for p in again["purchase_orders"]] == [
        p["po_number"] for p in data["output"]["execution"]["purchase_orders"]
    ]
    assert again["reduced"] == data["output"]["execution"]["reduced"]
    assert timeline(runtime, instance_id).count("disruption.executed") == 1
    assert store.count() == DEMO_ORDERS + 1
    assert store.get("PO-2026-0412").po.lines[0].quantity == 0
    assert len(store.changes("PO-2026-0412")) == 1
    assert len(messages(runtime, instance_id)) == 3
    # a second click on the link changes nothing either
    assert click(runtime, rfq["requests"][0]["decline_url"])["recorded"] is False

    _in_order(
        timeline(runtime, instance_id),
        [
            "instance.started",
            "disruption.assessed",
            "disruption.planned",
            "guard.decided",
            "approval.requested",
            "approval.approved",
            "rfq.sent",
            "disruption.executed",
            "instance.completed",
        ],
    )
    po_stream = [e.kind for e in runtime.audit.entries(f"po:{recovery[0].po.po_number}")]
    assert po_stream == ["po.created"]
    assert runtime.audit.verify().ok


@pytest.fixture
def generous_policy(runtime: Services) -> None:
    """A policy whose limits this recovery stays within."""
    text = (files("procureflow.policies") / "builtin" / "default.yaml").read_text("utf-8")
    text = text.replace("action.price_increase_pct > 5.0", "action.price_increase_pct > 50.0")
    text = text.replace("action.extra_cost.amount > 10000", "action.extra_cost.amount > 5000000")
    runtime.extras["policy"] = load_policy(text, "generous.yaml")


def test_a_plan_within_the_guardrails_runs_without_a_person(
    runtime: Services, generous_policy: None
) -> None:
    store = prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    rfq = rfq_round(runtime, instance_id)
    assert task_output(runtime, instance_id, "checkGuardrails")["guard"]["outcome"] == "allow"
    click(runtime, rfq["requests"][0]["confirm_url"])
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "executed", data.get("error")
    assert [a for a in runtime.approvals.inbox() if a["instance_id"] == instance_id] == []
    assert len(_recovery_orders(store, instance_id)) == 1
    assert store.count() == DEMO_ORDERS + 1
    kinds = timeline(runtime, instance_id)
    assert "approval.requested" not in kinds
    _in_order(kinds, ["disruption.planned", "guard.decided", "rfq.sent", "disruption.executed"])
    # the dashboard's cash-flow chart finds the forecast before and after the plan
    from procureflow.web.views import cash_flow

    chart = cash_flow(t["output"] for t in data["tasks"])
    assert chart is not None and chart["weeks"]
    assert chart["before"] != chart["after"]


def test_a_declining_alternative_reroutes_to_the_next_plan(runtime: Services) -> None:
    store = prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    approve(runtime, pending_approval(runtime, instance_id))
    first = rfq_round(runtime, instance_id, 1)
    assert first["requests"][0]["supplier_id"] == "SUP-KOWALSKI"
    click(runtime, first["requests"][0]["decline_url"], reason="no capacity before February")

    # the next plan leaves Kowalski out (and the suppliers that failed vetting)
    second_approval = pending_approval(runtime, instance_id)
    assert "SUP-KOWALSKI" not in {s["id"] for s in second_approval["action"]["suppliers"]}
    approve(runtime, second_approval)
    second = rfq_round(runtime, instance_id, 2)
    suppliers = [r["supplier_id"] for r in second["requests"]]
    assert "SUP-KOWALSKI" not in suppliers and suppliers
    for request in second["requests"]:
        click(runtime, request["confirm_url"])

    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "executed", data.get("error")
    recovery = _recovery_orders(store, instance_id)
    assert sorted(o.po.supplier_id for o in recovery) == sorted(suppliers)
    assert store.count() == DEMO_ORDERS + len(suppliers)
    kinds = timeline(runtime, instance_id)
    _in_order(
        kinds,
        [
            "rfq.sent",
            "disruption.rerouted",
            "disruption.planned",
            "approval.requested",
            "rfq.sent",
            "disruption.executed",
        ],
    )
    rerouted = [
        e
        for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind == "disruption.rerouted"
    ]
    assert rerouted[0].payload["declined"] == ["SUP-KOWALSKI"]
    assert rerouted[0].payload["reasons"] == ["no capacity before February"]
