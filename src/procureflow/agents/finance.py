"""Finance agent: weekly cash-flow forecast, its change, early-payment discounts, recovery cost.

Every payable (goods or freight) is scheduled by its payment terms: when the terms carry
an early-payment discount whose annualised rate beats the cost of capital, it is paid
on the discount date less the discount; otherwise in full on the due date. Amounts are
converted to the base currency through the fx rates and summed into ISO weeks
(:mod:`procureflow.domain.forecast`) for the baseline and for the recovery scenario;
the delta is scenario − baseline.

Total cost of the recovery = price delta (scenario goods − baseline goods, gross)
+ freight delta. Liquidated damages recoverable from the delayed supplier are reported
beside it, never netted: they are a claim the supplier may dispute or never pay, and an
approver asked to accept an extra cost must see the cost itself — netting a large claim
made the extra cost negative, so no extra-cost guardrail could ever fire.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from procureflow.agents.base import (
    Agent,
    AgentOutput,
    Alternative,
    Decision,
    Evidence,
    GuardrailCheck,
)
from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.forecast import (
    CashFlowForecast,
    ScheduledPayment,
    forecast_delta,
    weekly_forecast,
)
from procureflow.domain.money import Money
from procureflow.domain.payment_terms import (
    annualised_discount_rate,
    discount_date,
    due_date,
    parse_payment_terms,
)
from procureflow.domain.sourcing_plans import SourcingPlan


class Payable(BaseModel):
    """An amount owed (or expected to be owed) to a supplier or carrier."""

    model_config = ConfigDict(frozen=True)

    reference: str
    supplier_id: str = ""
    amount: Decimal
    currency: str
    invoice_date: date
    payment_terms: str = "net 30"
    kind: Literal["goods", "freight"] = "goods"


class FinanceInput(BaseModel):
    """Baseline and scenario payables, fx rates, damages and the finance mandate."""

    as_of: date
    weeks: int = Field(default=13, ge=1, le=104)
    base_currency: str = "EUR"
    fx_rates: dict[str, Decimal] = Field(default_factory=dict)
    baseline: list[Payable] = Field(default_factory=list)
    scenario: list[Payable] = Field(default_factory=list)
    damages_recoverable: Decimal = Field(default=Decimal(0), ge=0)
    damages_currency: str | None = None
    cost_of_capital_pct: Decimal = Field(
        default=Decimal(8), ge=0, description="Yearly rate a discount must beat to be taken"
    )
    max_recovery_cost: Decimal | None = None
    max_weekly_increase: Decimal | None = None


class DiscountOpportunity(BaseModel):
    """An early-payment discount and whether paying early is worth it."""

    reference: str
    terms: str
    discount: Money
    pay_by: date
    annualised_rate_pct: Decimal | None
    take: bool


class FinanceOutput(AgentOutput):
    """Forecasts, delta, discounts and the cost of the recovery, all in the base currency."""

    baseline: CashFlowForecast
    scenario: CashFlowForecast
    delta: CashFlowForecast
    price_delta: Money
    freight_delta: Money
    damages_recoverable: Money
    total_recovery_cost: Money
    discounts: list[DiscountOpportunity]


def schedule(
    payables: Iterable[Payable], fx: FxTable, cost_of_capital_pct: Decimal
) -> tuple[list[ScheduledPayment], list[DiscountOpportunity]]:
    """When each payable is paid and how much, in base currency, by its terms (see module)."""
    payments = []
    discounts = []
    for payable in payables:
        terms = parse_payment_terms(payable.payment_terms)
        amount = fx.to_base(Money.of(payable.amount, payable.currency))
        pay_on = due_date(payable.invoice_date, terms)
        rate = annualised_discount_rate(terms)
        early = discount_date(payable.invoice_date, terms)
        if terms.discount_pct is not None and early is not None and rate is not None:
            rate_pct = rate * 100 if rate.is_finite() else None
            take = rate_pct is None or rate_pct > cost_of_capital_pct
            saving = Money(amount.amount * terms.discount_pct / Decimal(100), amount.currency)
            discounts.append(
                DiscountOpportunity(
                    reference=payable.reference,
                    terms=terms.describe(),
                    discount=saving.rounded(),
                    pay_by=early,
                    annualised_rate_pct=rate_pct.quantize(Decimal("0.01")) if rate_pct else None,
                    take=take,
                )
            )
            if take:
                amount, pay_on = amount - saving, early
        payments.append(ScheduledPayment(reference=payable.reference, pay_on=pay_on, amount=amount))
    return payments, discounts


def _gross(payables: Iterable[Payable], fx: FxTable, kind: str) -> Money:
    total = fx.zero()
    for payable in payables:
        if payable.kind == kind:
            total = total + fx.to_base(Money.of(payable.amount, payable.currency))
    return total


def payables_from_plan(
    plan: SourcingPlan, payment_terms: dict[str, str], *, default_terms: str = "net 30"
) -> list[Payable]:
    """Goods payables of a sourcing plan: one per allocation, invoiced on arrival."""
    return [
        Payable(
            reference=f"{a.supplier_id}/{a.sku}",
            supplier_id=a.supplier_id,
            amount=a.unit_price.amount * a.quantity,
            currency=a.unit_price.currency,
            invoice_date=a.arrival_date,
            payment_terms=payment_terms.get(a.supplier_id, default_terms),
        )
        for a in plan.allocations
    ]


class FinanceAgent(Agent[FinanceInput, FinanceOutput]):
    """Updates the cash-flow forecast for a recovery and prices the recovery."""

    name: ClassVar[str] = "finance"
    description: ClassVar[str] = "Weekly cash-flow forecast, discounts and total recovery cost"
    input_model: ClassVar[type[BaseModel]] = FinanceInput
    output_model: ClassVar[type[AgentOutput]] = FinanceOutput

    def decide(self, data: FinanceInput) -> FinanceOutput:
        """Forecast baseline and scenario, compare them, and price the recovery."""
        fx = FxTable(data.base_currency, data.fx_rates)
        base = fx.base_currency
        base_payments, _ = schedule(data.baseline, fx, data.cost_of_capital_pct)
        scenario_payments, discounts = schedule(data.scenario, fx, data.cost_of_capital_pct)
        baseline = weekly_forecast(base_payments, start=data.as_of, weeks=data.weeks, currency=base)
        scenario = weekly_forecast(
            scenario_payments, start=data.as_of, weeks=data.weeks, currency=base
        )
        delta = forecast_delta(scenario, baseline)
        price_delta = _gross(data.scenario, fx, "goods") - _gross(data.baseline, fx, "goods")
        freight_delta = _gross(data.scenario, fx, "freight") - _gross(data.baseline, fx, "freight")
        damages = fx.to_base(Money.of(data.damages_recoverable, data.damages_currency or base))
        total = (price_delta + freight_delta).rounded()
        peak = max(delta.buckets, key=lambda b: b.amount.amount)
        guardrails = [
            GuardrailCheck(
                name="every currency has an fx rate",
                passed=True,
                detail=f"converted to {base} at: "
                + ", ".join(f"{c} {fx.rate(c)}" for c in fx.currencies()),
            )
        ]
        if data.max_recovery_cost is not None:
            guardrails.append(
                GuardrailCheck(
                    name=f"recovery cost within {data.max_recovery_cost} {base}",
                    passed=total.amount <= data.max_recovery_cost,
                    detail=f"total recovery cost {total}",
                )
            )
        if data.max_weekly_increase is not None:
            guardrails.append(
                GuardrailCheck(
                    name=f"weekly outflow increase within {data.max_weekly_increase} {base}",
                    passed=peak.amount.amount <= data.max_weekly_increase,
                    detail=f"largest increase {peak.amount.rounded()} in {peak.week}",
                )
            )
        alternatives = [
            Alternative(
                option=f"pay {d.reference} early by {d.pay_by.isoformat()} ({d.terms})",
                score=float(d.annualised_rate_pct) if d.annualised_rate_pct is not None else None,
                details={
                    "score_meaning": "annualised discount rate in %, higher is better",
                    "discount": d.discount.to_json(),
                    "cost_of_capital_pct": str(data.cost_of_capital_pct),
                    "chosen": d.take,
                },
                rejected_because=(
                    None
                    if d.take
                    else f"annualised {d.annualised_rate_pct}% does not beat the cost of "
                    f"capital {data.cost_of_capital_pct}%"
                ),
            )
            for d in discounts
        ]
        decision = Decision(
            agent=self.name,
            choice=(
                f"recovery costs {total} (price delta {price_delta.rounded()} + freight "
                f"{freight_delta.rounded()}); damages claimable from the delayed supplier "
                f"{damages.rounded()}, shown apart and not netted; largest weekly "
                f"change {peak.amount.rounded()} in {peak.week}"
            ),
            alternatives=alternatives,
            guardrails=guardrails,
            evidence=[
                Evidence(
                    source=f"payable {p.reference}",
                    excerpt=f"{p.amount} {p.currency} invoiced {p.invoice_date}, {p.payment_terms}",
                )
                for p in data.scenario
            ],
            rationale=(
                f"{data.weeks}-week forecast from {data.as_of.isoformat()} in {base}; "
                f"discounts taken when their annualised rate beats {data.cost_of_capital_pct}%."
            ),
        )
        return FinanceOutput(
            decision=decision,
            baseline=baseline,
            scenario=scenario,
            delta=delta,
            price_delta=price_delta.rounded(),
            freight_delta=freight_delta.rounded(),
            damages_recoverable=damages.rounded(),
            total_recovery_cost=total,
            discounts=discounts,
        )


__all__ = [
    "DiscountOpportunity",
    "FinanceAgent",
    "FinanceInput",
    "FinanceOutput",
    "Payable",
    "payables_from_plan",
    "schedule",
]
