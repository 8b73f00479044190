"""Finance: weekly buckets across currencies, discounts by their annualised rate, recovery cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from procureflow.agents.finance import (
    FinanceAgent,
    FinanceInput,
    FinanceOutput,
    Payable,
    payables_from_plan,
)
from procureflow.agents.sourcing import SourcingAgent, SourcingInput
from procureflow.domain.forecast import ScheduledPayment, week_start, weekly_forecast
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput

AS_OF = date(2026, 11, 23)  # a Monday, ISO week 2026-W48


def payable(
    ref: str, amount: str, currency: str, invoiced: date, terms: str, **kw: Any
) -> dict[str, Any]:
    return {
        "reference": ref,
        "amount": amount,
        "currency": currency,
        "invoice_date": invoiced,
        "payment_terms": terms,
        **kw,
    }


def test_weekly_buckets_follow_iso_weeks_with_overdue_and_beyond() -> None:
    eur = lambda x: Money.of(x, "EUR")  # noqa: E731
    payments = [
        ScheduledPayment(reference="old", pay_on=date(2026, 11, 1), amount=eur(5)),
        ScheduledPayment(reference="sun", pay_on=date(2026, 11, 29), amount=eur(10)),
        ScheduledPayment(reference="mon", pay_on=date(2026, 11, 30), amount=eur(20)),
        ScheduledPayment(reference="far", pay_on=date(2027, 3, 1), amount=eur(40)),
    ]
    forecast = weekly_forecast(payments, start=AS_OF, weeks=4, currency="EUR")
    assert [b.week for b in forecast.buckets] == ["2026-W48", "2026-W49", "2026-W50", "2026-W51"]
    assert [b.amount.amount for b in forecast.buckets] == [15, 20, 0, 0]
    assert forecast.overdue_references == ["old"]
    assert forecast.beyond == eur(40)
    assert forecast.total == eur(75)
    assert week_start(date(2026, 11, 29)) == AS_OF


def test_forecast_refuses_unconverted_money() -> None:
    with pytest.raises(InvalidInput, match="convert"):
        weekly_forecast(
            [ScheduledPayment(reference="x", pay_on=AS_OF, amount=Money.of(1, "USD"))],
            start=AS_OF,
            weeks=1,
            currency="EUR",
        )


def run(**changes: Any) -> FinanceOutput:
    data: dict[str, Any] = {
        "as_of": AS_OF,
        "weeks": 8,
        "fx_rates": {"USD": "0.92"},
        "baseline": [payable("PO-1", "10000", "USD", date(2026, 11, 25), "net 30")],
        "scenario": [
            payable("PO-1", "4000", "USD", date(2026, 11, 25), "net 30"),
            payable("ALT-1", "7000", "EUR", date(2026, 12, 1), "2/10 net 30"),
            payable("FRT-1", "500", "EUR", date(2026, 12, 1), "net 15", kind="freight"),
        ],
        "damages_recoverable": "1000",
        "damages_currency": "USD",
    }
    data.update(changes)
    return FinanceAgent().decide(FinanceInput.model_validate(data))


def test_multi_currency_payables_land_in_their_weeks_in_base_currency() -> None:
    output = run()
    baseline = {b.week: b.amount.amount for b in output.baseline.buckets}
    # 10,000 USD × 0.92 due 2026-12-25 (net 30) -> week 52
    assert baseline["2026-W52"] == Decimal("9200.00")
    scenario = {b.week: b.amount.amount for b in output.scenario.buckets}
    # 2/10 net 30 is worth 37.2 % a year > 8 %: paid 2026-12-11 at 98 % = 6,860 EUR (W50);
    # freight net 15 -> 2026-12-16 (W51); PO-1 reduced to 4,000 USD -> 3,680 EUR (W52)
    assert scenario["2026-W50"] == Decimal("6860")
    assert scenario["2026-W51"] == Decimal("500")
    assert scenario["2026-W52"] == Decimal("3680.00")
    delta = {b.week: b.amount.amount for b in output.delta.buckets}
    assert delta["2026-W52"] == Decimal("-5520.00")
    assert delta["2026-W50"] == Decimal("6860")


def test_total_recovery_cost_is_price_delta_plus_freight_with_damages_apart() -> None:
    output = run()
    # goods: (3,680 + 7,000) − 9,200 = 1,480; freight 500; damages 1,000 USD = 920 EUR
    assert output.price_delta == Money.of("1480.00", "EUR")
    assert output.freight_delta == Money.of("500.00", "EUR")
    assert output.damages_recoverable == Money.of("920.00", "EUR")
    assert output.total_recovery_cost == Money.of("1980.00", "EUR")  # damages not netted
    assert "recovery costs 1980.00 EUR" in output.decision.choice


def test_discount_is_declined_when_capital_costs_more() -> None:
    taken = run().discounts[0]
    assert taken.take and taken.annualised_rate_pct == Decimal("37.24")
    assert taken.discount == Money.of("140.00", "EUR")
    declined = run(cost_of_capital_pct="45")
    assert not declined.discounts[0].take
    scenario = {b.week: b.amount.amount for b in declined.scenario.buckets}
    assert scenario["2026-W53"] == Decimal("7000")  # paid in full on 2026-12-31
    alternative = declined.decision.alternatives[0]
    assert alternative.score == pytest.approx(37.24)
    assert "does not beat the cost of capital 45%" in (alternative.rejected_because or "")


def test_guardrails_on_budget_and_weekly_increase() -> None:
    output = run(max_recovery_cost="1000", max_weekly_increase="10000")
    verdicts = {g.name: g.passed for g in output.decision.guardrails}
    assert verdicts["recovery cost within 1000 EUR"] is False
    assert verdicts["weekly outflow increase within 10000 EUR"] is True
    assert verdicts["every currency has an fx rate"] is True


def test_missing_fx_rate_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="no fx rate from JPY"):
        run(scenario=[payable("JP-1", "100000", "JPY", AS_OF, "net 30")])


def test_unreadable_payment_terms_are_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="payment terms"):
        run(scenario=[payable("X", "1", "EUR", AS_OF, "whenever")])


def test_plan_allocations_become_payables_invoiced_on_arrival() -> None:
    sourcing = SourcingAgent().decide(
        SourcingInput.model_validate(
            {
                "demands": [{"sku": "MTR", "quantity": 100, "need_by": "2026-12-31"}],
                "as_of": AS_OF,
                "suppliers": [{"supplier_id": "S1", "approved": True, "esg_score": 80}],
                "offers": [
                    {
                        "supplier_id": "S1",
                        "sku": "MTR",
                        "unit_price": "310",
                        "currency": "USD",
                        "lead_time_days": 14,
                        "capacity_per_week": 100,
                    }
                ],
                "fx_rates": {"USD": "0.92"},
            }
        )
    )
    (due,) = payables_from_plan(sourcing.plans[0], {"S1": "net 60"})
    assert due == Payable(
        reference="S1/MTR",
        supplier_id="S1",
        amount=Decimal("31000.00"),
        currency="USD",
        invoice_date=date(2026, 12, 7),
        payment_terms="net 60",
    )
