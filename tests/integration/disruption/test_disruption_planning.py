"""Working out a recovery plan from the demo data (no store, no engine)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.demo import demo_emails, demo_master_data
from procureflow.documents.email_message import parse_email
from procureflow.domain.master import MasterDataSet
from procureflow.policies import evaluate_guardrails, load_default_policy
from procureflow.runtime.disruption_planning import (
    PlanningContext,
    assess,
    evaluate_plan,
    next_plan,
    reference_prices,
    run_compliance,
    run_sourcing,
)
from procureflow.runtime.disruption_seed import demo_open_orders
from procureflow.runtime.mail_intake import risk_monitor_input


class _Snapshot:
    def __init__(self, master: MasterDataSet) -> None:
        self.master = master

    def load(self) -> MasterDataSet:
        return self.master


@pytest.fixture(scope="module")
def ctx() -> PlanningContext:
    return PlanningContext(demo_master_data(), load_default_policy(), "DEHAM", "EUR")


def _assessment(ctx: PlanningContext, name: str) -> dict[str, Any]:
    mail = parse_email(demo_emails()[name], source=name)
    return assess(RiskMonitorAgent(_Snapshot(ctx.master)).decide(risk_monitor_input(mail)))


def _orders() -> list[dict[str, Any]]:
    rows = []
    for po, need_by in demo_open_orders():
        rows.append(
            {
                "po_number": po.po_number,
                "supplier_id": po.supplier_id,
                "currency": po.currency,
                "total": str(po.total),
                "payment_terms": po.payment_terms,
                "lines": [
                    {
                        "line_id": line.line_id,
                        "sku": line.sku,
                        "quantity": str(line.quantity),
                        "unit_price": str(line.unit_price),
                        "need_by": need_by[line.line_id].isoformat(),
                    }
                    for line in po.lines
                ],
            }
        )
    return rows


def test_the_motor_delay_is_planned_with_its_premium_not_its_volume(ctx: PlanningContext) -> None:
    assessment = _assessment(ctx, "01_delay_en_huaxin_motors.eml")
    assert assessment["demands"] == [
        {"sku": "MTR-7K5-400", "quantity": 1660, "need_by": "2026-11-30"}
    ]
    sourcing = run_sourcing(ctx, assessment)
    # nobody can deliver before the safety stock is breached: planned against the arrival
    assert sourcing["need_date_relaxed"] is True
    compliance = run_compliance(ctx, assessment, Decimal("139500.00"))
    plan, skipped = next_plan(sourcing, compliance, [])
    assert plan is not None and skipped == [] and plan.supplier_ids() == ["SUP-KOWALSKI"]
    evaluation = evaluate_plan(
        ctx, assessment, plan, compliance, _orders(), reference_prices(ctx, assessment)
    )
    action = evaluation["facts"]["action"]
    cost = Decimal(action["amount"]["amount"])
    extra = Decimal(action["extra_cost"]["amount"])
    assert cost >= Decimal("584320.00")  # 1,660 motors at 352 EUR, landed (with freight)
    assert Decimal(0) < extra < cost / 4  # the premium over Huaxin's price, less damages
    assert Decimal(action["price_increase_pct"]) > 5
    assert Decimal(action["carbon_increase_pct"]) < 0  # Poznań by road, not Shenzhen by sea
    outcome = evaluate_guardrails(ctx.policy, evaluation["facts"])
    assert outcome.outcome == "require_approval"
    assert {m.name for m in outcome.matched} >= {"price-increase-over-limit"}


def test_plans_with_declined_or_unvetted_suppliers_are_passed_over(ctx: PlanningContext) -> None:
    assessment = _assessment(ctx, "01_delay_en_huaxin_motors.eml")
    sourcing = run_sourcing(ctx, assessment)
    compliance = run_compliance(ctx, assessment, None)
    assert "SUP-NORTE" in compliance["excluded_suppliers"]  # expired ISO 9001
    plan, skipped = next_plan(sourcing, compliance, ["SUP-KOWALSKI"])
    assert skipped[0] == {
        "rank": 1,
        "declined_or_timed_out": ["SUP-KOWALSKI"],
        "failed_vetting": {},
    }
    assert all("SUP-NORTE" in s["failed_vetting"] for s in skipped[1:])
    # with air freight tried, Saigon can help as well: the next plan needs no new sourcing
    assert plan is not None and "SUP-KOWALSKI" not in plan.supplier_ids()
    assert "SUP-NORTE" not in plan.supplier_ids()
    again = run_sourcing(ctx, assessment, ["SUP-KOWALSKI", *compliance["excluded_suppliers"]])
    plan, _ = next_plan(again, compliance, ["SUP-KOWALSKI"])
    assert plan is not None and "SUP-KOWALSKI" not in plan.supplier_ids()


def test_a_delay_nobody_can_bridge_has_no_plan_and_says_why(ctx: PlanningContext) -> None:
    assessment = _assessment(ctx, "02_delay_de_brandt_housings.eml")
    sourcing = run_sourcing(ctx, assessment)
    plan, skipped = next_plan(sourcing, run_compliance(ctx, assessment, None), [])
    assert plan is None and skipped == [{"rank": 1, "reason": "the plan orders nothing"}]
    binding = {b["code"] for b in sourcing["plans"][0]["shortfalls"][0]["binding"]}
    assert "need_date" in binding
