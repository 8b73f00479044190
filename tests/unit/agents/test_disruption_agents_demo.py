"""The four disruption agents on the shipped demo data, wired as a playbook would wire them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from procureflow.agents.compliance import ComplianceAgent
from procureflow.agents.disruption_inputs import (
    compliance_input,
    demands_from_impacts,
    finance_input,
    fx_rates_on,
    logistics_input,
    sourcing_input,
)
from procureflow.agents.finance import FinanceAgent, Payable
from procureflow.agents.logistics import LogisticsAgent
from procureflow.agents.sourcing import SourcingAgent
from procureflow.demo import demo_master_data
from procureflow.domain.inventory import StockPosition, project_impact
from procureflow.domain.master import MasterDataSet
from procureflow.domain.money import Money
from procureflow.domain.sourcing_model import SkuDemand

TODAY = date(2026, 11, 23)
WEIGHTS = {"cost": 0.4, "lead_time": 0.3, "carbon": 0.15, "risk": 0.15}
DEMAND = SkuDemand(sku="MTR-7K5-400", quantity=1200, need_by=TODAY + timedelta(days=42))


@pytest.fixture(scope="module")
def master() -> MasterDataSet:
    return demo_master_data("EUR")


def test_compliance_prices_the_delay_and_vets_the_alternatives(master: MasterDataSet) -> None:
    data = compliance_input(
        master,
        delayed_supplier="SUP-HUAXIN",
        delay_days=42,
        today=TODAY,
        delayed_po_value=Decimal("372000"),
    )
    output = ComplianceAgent().decide(data)
    assert output.damages is not None
    # the delayed PO's 372,000 USD × 0.5 % × 6 full weeks (not the framework contract's value)
    assert output.damages.amount == Money.of("11160.00", "USD")
    assert "SUP-HUAXIN" not in output.passed_suppliers + list(output.excluded_suppliers)
    shengda = output.excluded_suppliers["SUP-SHENGDA"]
    assert any("approved vendor list" in r for r in shengda)
    assert any("distress zone" in r for r in shengda)
    assert output.excluded_suppliers["SUP-NORTE"] == ["certificate ISO 9001 expired on 2026-10-31"]
    assert "within the 30-day policy window" in output.excluded_suppliers["SUP-ATLAS"][0]


def test_sourcing_logistics_and_finance_on_the_demo(master: MasterDataSet) -> None:
    vetting = ComplianceAgent().decide(
        compliance_input(
            master,
            delayed_supplier="SUP-HUAXIN",
            delay_days=42,
            today=TODAY,
            delayed_po_value=Decimal("372000"),
        )
    )
    excluded = ["SUP-HUAXIN", *vetting.excluded_suppliers]
    data = sourcing_input(
        master,
        [DEMAND],
        as_of=TODAY,
        weights=WEIGHTS,
        exclude_suppliers=excluded,
        plant_location="DEHAM",
        base_currency="EUR",
    )
    sourcing = SourcingAgent().decide(data)
    best = sourcing.plans[0]
    assert best.fully_covered
    assert sum(a.quantity for a in best.allocations) >= DEMAND.quantity
    assert not set(best.supplier_ids()) & set(excluded)
    assert all(a.arrival_date <= DEMAND.need_by for a in best.allocations)
    assert all(g.passed for g in sourcing.decision.guardrails)
    # every offer left out says why
    left_out = {r.supplier_id: r.reason for r in sourcing.rejected_offers}
    assert "not approved" in left_out["SUP-SHENGDA"]
    # Saigon is late by sea (28 + 30 + road days) but in time by air via Frankfurt: it
    # stays a candidate instead of being rejected for its cheapest route's transit time
    assert "SUP-SAIGON" not in left_out

    logistics = LogisticsAgent().decide(
        logistics_input(
            master, best, plant_location="DEHAM", weights=WEIGHTS, base_currency="EUR", as_of=TODAY
        )
    )
    assert all(r.best is not None for r in logistics.routes)
    assert {r.reference for r in logistics.routes} == set(best.supplier_ids())
    legs_freight = sum(
        (leg.cost.amount for r in logistics.routes if r.best for leg in r.best.legs), Decimal(0)
    )
    assert logistics.total_freight.amount == legs_freight > 0

    rates = fx_rates_on(master, TODAY)
    original = Payable(
        reference="PO-4500017",
        supplier_id="SUP-HUAXIN",
        amount=Decimal("372000"),  # 1,200 × 310 USD
        currency="USD",
        invoice_date=TODAY + timedelta(days=14),
        payment_terms="net 60",
    )
    finance = FinanceAgent().decide(
        finance_input(
            master,
            best,
            as_of=TODAY,
            base_currency="EUR",
            baseline=[original],
            replaced={"PO-4500017": Decimal("372000")},
            logistics=logistics,
            damages=vetting.damages,
        )
    )
    new_goods = sum(
        (
            a.unit_price.amount * a.quantity * rates.get(a.unit_price.currency, Decimal(1))
            for a in best.allocations
        ),
        Decimal(0),
    )
    expected_delta = new_goods - Decimal("372000") * rates["USD"]
    assert finance.price_delta == Money(expected_delta, "EUR").rounded()
    assert finance.damages_recoverable == Money(Decimal("11160") * rates["USD"], "EUR").rounded()
    # the claim on Huaxin is shown apart, never netted into what the recovery costs
    assert (
        finance.total_recovery_cost
        == (Money(expected_delta, "EUR") + logistics.total_freight).rounded()
    )
    # the original PO (due 2027-02-05 under net 60) leaves its week; the new POs appear
    week = next(b for b in finance.baseline.buckets if b.week_start == date(2027, 2, 1))
    assert week.references == ["PO-4500017"]
    assert "PO-4500017" not in [r for b in finance.scenario.buckets for r in b.references]
    new_refs = {r for b in finance.scenario.buckets for r in b.references}
    assert {f"{a.supplier_id}/{a.sku}" for a in best.allocations} <= new_refs


def test_impacts_become_demands_to_restore_safety_stock() -> None:
    impact = project_impact(
        StockPosition(
            sku="MTR-7K5-400",
            on_hand=Decimal(420),
            safety_stock=Decimal(120),
            daily_demand=Decimal(40),
            critical=True,
        ),
        as_of=TODAY,
        arrival_date=TODAY + timedelta(days=56),
        delay_days=42,
    )
    (demand,) = demands_from_impacts([impact])
    assert demand.quantity == 40 * 56 + 120 - 420
    assert demand.need_by == impact.need_by
    (short_only,) = demands_from_impacts([impact], restore_safety_stock=False)
    assert short_only.quantity == 40 * 56 - 420
