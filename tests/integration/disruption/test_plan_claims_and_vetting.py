"""What the plan tells an approver: damages on the delayed deliveries, shown apart from
the cost; the delayed supplier's own vetting; lateness when nothing is in time."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from procureflow.demo import demo_master_data
from procureflow.policies import load_default_policy
from procureflow.runtime.disruption_baselines import delayed_deliveries
from procureflow.runtime.disruption_planning import (
    PlanningContext,
    choose_plan,
    evaluate_plan,
    next_plan,
    plan_reasoning,
    reference_prices,
    run_compliance,
    run_sourcing,
)
from tests.integration.disruption.test_disruption_planning import _assessment, _orders

MOTORS = "01_delay_en_huaxin_motors.eml"


@pytest.fixture(scope="module")
def ctx() -> PlanningContext:
    return PlanningContext(demo_master_data(), load_default_policy(), "DEHAM", "EUR")


def _evaluate(
    ctx: PlanningContext, assessment: dict[str, Any], orders: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    delayed = delayed_deliveries(assessment, orders)
    compliance = run_compliance(
        ctx,
        assessment,
        Decimal(delayed["value"]) if delayed else None,
        delayed["currency"] if delayed else None,
    )
    sourcing = run_sourcing(ctx, assessment)
    plan, _ = next_plan(sourcing, compliance, [])
    assert plan is not None
    evaluation = evaluate_plan(
        ctx, assessment, plan, compliance, orders, reference_prices(ctx, assessment)
    )
    evaluation["reasoning"] = plan_reasoning(sourcing, plan, compliance)
    return compliance, sourcing, evaluation


def test_damages_are_on_the_delayed_deliveries_and_never_netted(ctx: PlanningContext) -> None:
    assessment = _assessment(ctx, MOTORS)
    compliance, _, evaluation = _evaluate(ctx, assessment, _orders())
    # PO-2026-0412: 450 motors × 310 USD = 139,500 USD × 0.5 % × 6 full weeks
    damages = compliance["damages"]
    assert damages["basis"] == "delayed_po_value"
    assert damages["amount"] == {"amount": "4185.00", "currency": "USD"}
    claim = evaluation["damages_claim"]
    assert claim["amount"] == {"amount": "4185.00", "currency": "USD"} and claim["netted"] is False
    finance = evaluation["finance"]
    premium = Decimal(finance["price_delta"]["amount"]) + Decimal(
        finance["freight_delta"]["amount"]
    )
    extra = Decimal(evaluation["facts"]["action"]["extra_cost"]["amount"])
    assert extra == premium > 0  # the cost an approver accepts, with no claim netted off
    assert Decimal(finance["total_recovery_cost"]["amount"]) == premium
    assert "not netted" in evaluation["reasoning"]


def test_without_a_named_po_damages_come_from_the_suppliers_late_lines(
    ctx: PlanningContext,
) -> None:
    assessment = {**_assessment(ctx, MOTORS), "po_numbers": []}
    delayed = delayed_deliveries(assessment, _orders())
    assert delayed is not None
    assert (delayed["value"], delayed["po_numbers"]) == ("139500.00", ["PO-2026-0412"])
    compliance, _, _ = _evaluate(ctx, assessment, _orders())
    assert compliance["damages"]["amount"]["amount"] == "4185.00"


def test_no_known_delayed_deliveries_claims_nothing_on_the_framework_contract(
    ctx: PlanningContext,
) -> None:
    assessment = {**_assessment(ctx, MOTORS), "po_numbers": []}
    compliance, _, evaluation = _evaluate(ctx, assessment, [])
    # not 0.5 % × 6 weeks of the 2.4 M USD framework contract (72,000 USD)
    assert compliance["damages"] is None
    assert "value of the delayed deliveries is not known" in compliance["damages_note"]
    assert evaluation["damages_claim"] is None
    assert Decimal(evaluation["facts"]["action"]["extra_cost"]["amount"]) > 0


def test_the_incumbents_own_vetting_is_in_the_plan(ctx: PlanningContext) -> None:
    master = ctx.master
    suppliers = [
        s.model_copy(update={"esg_score": Decimal(31), "altman_z": Decimal("1.2")})
        if s.supplier_id == "SUP-HUAXIN"
        else s
        for s in master.suppliers
    ]
    troubled = replace(ctx, master=replace(master, suppliers=suppliers))
    compliance, _, evaluation = _evaluate(troubled, _assessment(troubled, MOTORS), _orders())
    incumbent = evaluation["incumbent"]
    assert incumbent["supplier_id"] == "SUP-HUAXIN" and incumbent["passed"] is False
    assert incumbent["altman_zone"] == "distress"
    assert {e["code"] for e in incumbent["exclusions"]} == {"esg-below-minimum", "altman-distress"}
    assert evaluation["facts"]["context"]["incumbent"]["exclusions"] == [
        "esg-below-minimum",
        "altman-distress",
    ]
    assert (
        "Delayed supplier SUP-HUAXIN fails vetting (Altman zone distress)"
        in (evaluation["reasoning"])
    )
    guard = next(
        g for g in compliance["decision"]["guardrails"] if g["name"].startswith("delayed supplier")
    )
    assert guard["passed"] is False


def test_lateness_is_priced_and_said_when_nothing_is_in_time(ctx: PlanningContext) -> None:
    assessment = _assessment(ctx, MOTORS)
    _, sourcing, evaluation = _evaluate(ctx, assessment, _orders())
    assert sourcing["need_date_relaxed"] is True
    allocation = evaluation["plan"]["allocations"][0]
    # need date 2026-11-30; Kowalski's 14 days + 2 by road land on 2026-12-09
    assert (allocation["supplier_id"], allocation["days_late"]) == ("SUP-KOWALSKI", 9)
    assert "accepts lateness, priced per day late" in evaluation["reasoning"]
    assert "lateness penalty" in sourcing["decision"]["rationale"]


def test_an_open_po_in_a_currency_without_rate_leaves_the_baseline_not_the_plan(
    ctx: PlanningContext,
) -> None:
    orders = _orders()
    orders.append(
        {
            "po_number": "PO-SEK-1",
            "supplier_id": "SUP-ISAR",
            "currency": "SEK",
            "total": "10000.00",
            "payment_terms": "net 30",
            "lines": [
                {"line_id": "1", "sku": "PCB-CTRL-4", "quantity": "10",
                 "unit_price": "1000.00", "need_by": "2026-12-15"}
            ],
        }
    )  # fmt: skip
    assessment = _assessment(ctx, MOTORS)
    compliance = run_compliance(ctx, assessment, Decimal("139500.00"), "USD")
    sourcing = run_sourcing(ctx, assessment)
    proposal = choose_plan(ctx, assessment, sourcing, compliance, [], orders)
    assert proposal["found"] is True
    assert [(g["kind"], g["key"], g["dropped"]) for g in proposal["data_gaps"]] == [
        ("fx_rate", "SEK", "open PO PO-SEK-1 from the cash-flow baseline")
    ]
