"""The other ways a supplier notice goes: no answer in time, no plan left, an unknown
sender, and the price-change playbook (accepted after approval, or re-sourced)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest

from procureflow.domain.cloudevents import new_event
from procureflow.policies import load_policy
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.disruption_messages import messages
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import (
    approve,
    demo_mail,
    ingest,
    pending_approval,
    prepare,
    rfq_round,
    timeline,
    wait_for,
)


@pytest.fixture
def no_approvals(runtime: Services) -> None:
    """A policy whose limits the demo's recovery plans stay within."""
    text = (files("procureflow.policies") / "builtin" / "default.yaml").read_text("utf-8")
    text = text.replace("action.price_increase_pct > 5.0", "action.price_increase_pct > 90.0")
    text = text.replace("action.extra_cost.amount > 10000", "action.extra_cost.amount > 9000000")
    text = text.replace("action.carbon_increase_pct > 20.0", "action.carbon_increase_pct > 900.0")
    text = text.replace("s.esg_score < 50", "s.esg_score < 0")
    runtime.extras["policy"] = load_policy(text, "no-approvals.yaml")


def _portal_delay(**data: Any) -> dict[str, Any]:
    notice = {
        "supplier_id": "SUP-HUAXIN",
        "skus": ["MTR-7K5-400"],
        "po_numbers": ["PO-2026-0412"],
        "delay_days": 42,
        "original_date": "2026-11-30",
        "reason": "rotor laminations short",
        "as_of": "2026-11-23",
        **data,
    }
    return new_event(type="supplier.delay_notice", source="https://portal.example", data=notice)


def test_unanswered_requests_reroute_until_none_is_left_then_raise_an_exception(
    runtime: Services, no_approvals: None
) -> None:
    store = prepare(runtime)
    result = EventDispatcher(runtime).ingest(_portal_delay(rfq_hours=0.0004), actor="portal")
    instance_id = result.started[0]
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["status"] == "completed", data.get("error")
    assert data["output"]["outcome"] == "escalated"
    kinds = timeline(runtime, instance_id)
    rounds = kinds.count("rfq.sent")
    assert rounds >= 2 and kinds.count("disruption.rerouted") == rounds
    assert "disruption.no_plan" in kinds
    raised = exception_queue(runtime).list(reason_code="disruption.no_alternative")
    assert len(raised) == 1 and raised[0]["owner_role"] == "orchestrator"
    assert "SUP-KOWALSKI" in raised[0]["detail"]["excluded"]
    assert store.list(origin=instance_id) == []  # nothing was bought
    rerouted = [
        e.payload for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind == "disruption.rerouted"
    ]  # fmt: skip
    assert all(p["timed_out"] for p in rerouted)


def test_a_delay_the_stock_covers_needs_no_recovery(runtime: Services) -> None:
    prepare(runtime)
    event = _portal_delay(delay_days=2, original_date="2026-11-25")
    instance_id = EventDispatcher(runtime).ingest(event, actor="portal").started[0]
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "no_action", data.get("error")
    assert "disruption.no_action" in timeline(runtime, instance_id)


def test_a_delay_notice_from_an_unknown_sender_goes_to_a_person(runtime: Services) -> None:
    store = prepare(runtime)
    started = ingest(runtime, demo_mail("07_delay_unknown_sender.eml"), "unknown.eml")
    data = wait_for(runtime, started["started"][0], "completed", "faulted")
    assert data["output"]["outcome"] == "unknown_sender", data.get("error")
    raised = exception_queue(runtime).list(reason_code="supplier.unknown_sender")
    assert len(raised) == 1 and raised[0]["subject"]["id"] == "sales@pacific-castings.example"
    assert raised[0]["detail"]["mail_sha256"]
    assert store.count() == 5


def test_a_price_change_is_approved_and_the_open_order_repriced_once(runtime: Services) -> None:
    store = prepare(runtime)
    started = ingest(runtime, demo_mail("05_price_change_midwest_bearings.eml"))
    assert started["type"] == "supplier.price_changed" and started["playbook"] == "price-change"
    instance_id = started["started"][0]
    approval = pending_approval(runtime, instance_id)
    assert approval["action"]["kind"] == "price_change"
    assert float(approval["action"]["price_increase_pct"]) == pytest.approx(8.5, abs=0.1)
    approve(runtime, approval)
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "accepted", data.get("error")
    prices = {line.sku: line.unit_price for line in store.get("PO-2026-0431").po.lines}
    assert prices == {"BRG-6308-2RS": Decimal("8.46"), "BRG-NU310": Decimal("41.23")}
    assert [c["kind"] for c in store.changes("PO-2026-0431")] == ["po.repriced", "po.repriced"]
    assert [m["purpose"] for m in messages(runtime, instance_id)] == ["price_change_ack"]
    assert data["output"]["proposal"]["forecast_delta"]["currency"] == "EUR"


def test_a_refused_price_change_is_resourced(runtime: Services) -> None:
    store = prepare(runtime)
    started = ingest(runtime, demo_mail("05_price_change_midwest_bearings.eml"))
    instance_id = started["started"][0]
    approve(runtime, pending_approval(runtime, instance_id), yes=False)
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "resourced", data.get("error")
    resourcing = data["output"]["resourcing"]
    # the only other bearing supplier is late by sea but in time by air: each offer is
    # tried by its faster routes too, so the buyer gets an alternative, not a dead end
    assert resourcing["covers_all"] is True, resourcing["binding"]
    allocations = resourcing["alternative"]["allocations"]
    assert {a["supplier_id"] for a in allocations} == {"SUP-YOKOHAMA"}
    assert all("air" in a["route_modes"] for a in allocations)
    assert "price_change.resourced" in timeline(runtime, instance_id)
    prices = {line.sku: line.unit_price for line in store.get("PO-2026-0431").po.lines}
    assert prices == {"BRG-6308-2RS": Decimal("7.80"), "BRG-NU310": Decimal("38.00")}


def test_an_approval_nobody_decides_in_time_goes_to_the_orchestrator(runtime: Services) -> None:
    text = (files("procureflow.policies") / "builtin" / "default.yaml").read_text("utf-8")
    text = text.replace("{role: cfo, sla_hours: 48}", "{role: cfo, sla_hours: 0.0005}")
    runtime.extras["policy"] = load_policy(text, "hurried.yaml")
    store = prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "approval_expired", data.get("error")
    assert data["output"]["approval"]["status"] == "expired"
    raised = exception_queue(runtime).list(reason_code="disruption.approval_expired")
    assert len(raised) == 1 and raised[0]["severity"] == "high"
    assert raised[0]["detail"]["suppliers"] == ["SUP-KOWALSKI"]
    assert store.list(origin=instance_id) == []
    kinds = timeline(runtime, instance_id)
    assert kinds.index("approval.requested") < kinds.index("approval.expired")
    assert "rfq.sent" not in kinds


def test_a_rejected_plan_stops_with_a_record_and_buys_nothing(runtime: Services) -> None:
    store = prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    approve(runtime, pending_approval(runtime, instance_id), yes=False)
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "rejected", data.get("error")
    assert store.list(origin=instance_id) == []
    assert store.get("PO-2026-0412").po.lines[0].quantity == 450
    record = [
        e.payload for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind == "disruption.rejected"
    ]  # fmt: skip
    assert record == [
        {
            "approval_id": data["output"]["approval"]["approval_id"],
            "status": "rejected",
            "decided_by": "e2e-cfo",
            "comment": "e2e",
        }
    ]
    assert messages(runtime, instance_id) == []


def test_a_plan_the_policy_denies_moves_on_to_the_next(runtime: Services) -> None:
    text = (files("procureflow.policies") / "builtin" / "default.yaml").read_text("utf-8")
    text = text.replace(
        "guardrails:\n",
        "guardrails:\n"
        "  - name: kowalski-on-hold\n"
        "    when: action.suppliers.exists(s, s.id == 'SUP-KOWALSKI')\n"
        "    outcome: deny\n"
        "    reason: Kowalski is on hold after the audit\n",
        1,
    )
    runtime.extras["policy"] = load_policy(text, "hold.yaml")
    prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    approval = pending_approval(runtime, instance_id)
    assert "SUP-KOWALSKI" not in {s["id"] for s in approval["action"]["suppliers"]}
    denied = [
        e.payload for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind == "disruption.plan_denied"
    ]  # fmt: skip
    assert denied[0]["suppliers"] == ["SUP-KOWALSKI"]
    assert "Kowalski is on hold after the audit" in denied[0]["reasons"]


def test_a_small_portal_price_change_is_accepted_without_a_person(runtime: Services) -> None:
    store = prepare(runtime)
    event = new_event(
        type="supplier.price_changed",
        source="https://portal.example",
        data={
            "supplier_id": "SUP-MIDWEST",
            "skus": ["BRG-NU310"],
            "price_change_pct": "3",
            "effective_date": "2027-01-01",
            "as_of": "2026-11-23",
        },
    )
    instance_id = EventDispatcher(runtime).ingest(event, actor="portal").started[0]
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "accepted", data.get("error")
    assert data["output"]["guard"]["outcome"] == "allow"
    assert [a for a in runtime.approvals.inbox() if a["instance_id"] == instance_id] == []
    prices = {line.sku: line.unit_price for line in store.get("PO-2026-0431").po.lines}
    assert prices == {"BRG-6308-2RS": Decimal("7.80"), "BRG-NU310": Decimal("39.14")}


def test_a_portal_decline_quoting_the_round_reroutes(runtime: Services) -> None:
    prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    approve(runtime, pending_approval(runtime, instance_id))
    first = rfq_round(runtime, instance_id, 1)
    mail = messages(runtime, instance_id)[0]
    assert f"quote round {first['round']}" in mail["body"]
    decline = new_event(
        type="supplier.declined",
        source="https://portal.example",
        data={
            "round": first["round"],
            "supplier_id": "SUP-KOWALSKI",
            "decision": "declined",
            "reason": "plant shut for inventory",
        },
    )
    assert EventDispatcher(runtime).ingest(decline, actor="portal").delivered == [instance_id]
    second = pending_approval(runtime, instance_id)
    assert "SUP-KOWALSKI" not in {s["id"] for s in second["action"]["suppliers"]}


def test_a_request_for_quote_link_never_outlives_the_configured_maximum(
    runtime: Services, no_approvals: None
) -> None:
    prepare(runtime)
    asked = _portal_delay(rfq_hours=24 * 365 * 12)  # the event asks for twelve years
    instance_id = EventDispatcher(runtime).ingest(asked, actor="portal").started[0]
    deadline = time.monotonic() + 60
    rounds: list[dict[str, Any]] = []
    while not rounds and time.monotonic() < deadline:
        tasks = runtime.instances.instance(instance_id)["tasks"]
        rounds = [
            t["output"]["rfq"]
            for t in tasks
            if t["name"] == "requestQuotes" and t["status"] == "completed"
        ]
        time.sleep(0.1)
    assert rounds, "no request for quote was sent"
    latest = datetime.now(UTC) + timedelta(hours=runtime.settings.rfq_link_max_hours)
    assert datetime.fromisoformat(rounds[0]["expires_at"]) <= latest
