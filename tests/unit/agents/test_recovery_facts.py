"""A recovery plan's guard facts, judged by the shipped policy's real CEL guardrails."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from procureflow.agents.compliance import ComplianceAgent
from procureflow.agents.disruption_inputs import compliance_input, sourcing_input
from procureflow.agents.recovery_facts import (
    carbon_increase_pct,
    price_increase_pct,
    recovery_plan_facts,
)
from procureflow.agents.sourcing import SourcingAgent
from procureflow.demo import demo_master_data
from procureflow.domain.master import MasterDataSet
from procureflow.domain.sourcing_model import SkuDemand
from procureflow.domain.sourcing_plans import SourcingPlan
from procureflow.policies import evaluate_guardrails, load_default_policy, mandate_for
from procureflow.policies.model import Outcome

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def master() -> MasterDataSet:
    return demo_master_data("EUR")


def plan_facts(master: MasterDataSet, quantity: int, exclude: list[str], days: int = 42) -> dict:
    policy = load_default_policy()
    data = sourcing_input(
        master,
        [SkuDemand(sku="MTR-7K5-400", quantity=quantity, need_by=TODAY + timedelta(days=days))],
        as_of=TODAY,
        weights=mandate_for(policy, "sourcing").weights,
        disrupted_supplier="SUP-HUAXIN",
        exclude_suppliers=exclude,
        plant_location="DEHAM",
        base_currency="EUR",
    )
    sourcing = SourcingAgent().decide(data)
    compliance = ComplianceAgent().decide(
        compliance_input(master, delayed_supplier="SUP-HUAXIN", delay_days=42, today=TODAY)
    )
    return recovery_plan_facts(
        sourcing.plans[0],
        suppliers=data.suppliers,
        category="direct-materials",
        severity="high",
        reference_unit_prices=data.reference_unit_prices,
        compliance=compliance,
    )


def test_dear_alternative_goes_to_the_matrix_approvers(master: MasterDataSet) -> None:
    facts = plan_facts(master, 1200, ["SUP-SHENGDA"])
    action = facts["action"]
    assert [s["id"] for s in action["suppliers"]] == ["SUP-KOWALSKI"]
    # 352 EUR against 310 USD × 0.921 = 285.51 EUR: +23.29 %
    assert action["price_increase_pct"] == Decimal("23.29")
    outcome = evaluate_guardrails(load_default_policy(), facts)
    assert outcome.outcome is Outcome.REQUIRE_APPROVAL
    assert {hit.name for hit in outcome.matched} >= {"price-increase-over-limit"}


def test_supplier_with_an_expired_certificate_is_denied(master: MasterDataSet) -> None:
    # only SUP-NORTE left, with a need date its 45 days of lead + transit can meet
    others = ["SUP-SHENGDA", "SUP-KOWALSKI", "SUP-VOLTA", "SUP-SAIGON"]
    facts = plan_facts(master, 100, others, days=50)
    (norte,) = facts["action"]["suppliers"]
    assert norte == {
        "id": "SUP-NORTE",
        "approved": True,
        "esg_score": 66.0,
        "expired_certificates": ["ISO 9001"],
    }
    assert evaluate_guardrails(load_default_policy(), facts).outcome is Outcome.DENY


def test_small_top_up_from_the_same_price_level_runs_without_a_person(
    master: MasterDataSet,
) -> None:
    facts = plan_facts(master, 10, ["SUP-SHENGDA", "SUP-KOWALSKI", "SUP-NORTE"])
    assert facts["context"] == {"severity": "high", "force_majeure": False}
    action = facts["action"]
    assert action["kind"] == "recovery_plan"
    assert action["extra_cost"].amount < 10000
    assert action["price_increase_pct"] > 5  # Volta is dearer: still needs approval
    outcome = evaluate_guardrails(load_default_policy(), facts)
    assert [hit.name for hit in outcome.matched] == ["price-increase-over-limit"]


def test_increase_percentages() -> None:
    sourcing = SourcingAgent().run(
        {
            "demands": [{"sku": "A", "quantity": 10, "need_by": "2026-12-31"}],
            "as_of": TODAY,
            "suppliers": [{"supplier_id": "S", "approved": True}],
            "offers": [
                {
                    "supplier_id": "S",
                    "sku": "A",
                    "unit_price": "10.5",
                    "currency": "EUR",
                    "lead_time_days": 5,
                    "capacity_per_week": 100,
                    "co2e_kg_per_unit": "2",
                }
            ],
        }
    )
    plan = SourcingPlan.model_validate(sourcing["plans"][0])
    assert price_increase_pct(plan, {"A": Decimal(10)}) == Decimal("5.00")
    assert price_increase_pct(plan, {}) == 0
    assert carbon_increase_pct(plan, Decimal(16)) == Decimal("25.00")  # 20 kg against 16
    assert carbon_increase_pct(plan, None) == 0
