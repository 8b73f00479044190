"""Weekly cash-flow buckets of payments in one base currency, and their differences.

Weeks run Monday to Sunday (ISO 8601). The forecast starts with the week holding the
``start`` date and runs ``weeks`` weeks; a payment due before the start falls in the
first week (it is overdue, so it is paid now) and one due after the horizon is summed
as ``beyond``. Amounts are exact Decimals in the base currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from procureflow.domain.money import Money
from procureflow.errors import InvalidInput


class ScheduledPayment(BaseModel):
    """An outgoing payment on a date, already converted to the base currency."""

    model_config = ConfigDict(frozen=True)

    reference: str
    pay_on: date
    amount: Money


class WeekBucket(BaseModel):
    """Payments of one ISO week."""

    model_config = ConfigDict(frozen=True)

    week_start: date
    week: str  # ISO week label, e.g. "2026-W48"
    amount: Money
    references: list[str] = Field(default_factory=list)


class CashFlowForecast(BaseModel):
    """Weekly buckets over the horizon, plus what falls beyond it."""

    model_config = ConfigDict(frozen=True)

    currency: str
    buckets: list[WeekBucket]
    beyond: Money
    overdue_references: list[str] = Field(default_factory=list)

    @property
    def total(self) -> Money:
        """Everything in the forecast, beyond the horizon included."""
        total = self.beyond
        for bucket in self.buckets:
            total = total + bucket.amount
        return total


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_forecast(
    payments: Iterable[ScheduledPayment], *, start: date, weeks: int, currency: str
) -> CashFlowForecast:
    """Sum ``payments`` into ``weeks`` weekly buckets from ``start``'s week (see module)."""
    if weeks < 1:
        raise InvalidInput("a forecast needs at least one week")
    first = week_start(start)
    zero = Money(Decimal(0), currency)
    amounts = [zero] * weeks
    references: list[list[str]] = [[] for _ in range(weeks)]
    beyond = zero
    overdue: list[str] = []
    for payment in payments:
        if payment.amount.currency != currency:
            raise InvalidInput(
                f"payment {payment.reference} is in {payment.amount.currency}; "
                f"convert it to {currency} first"
            )
        index = (payment.pay_on - first).days // 7
        if payment.pay_on < start:
            overdue.append(payment.reference)
            index = 0
        if index >= weeks:
            beyond = beyond + payment.amount
            continue
        amounts[index] = amounts[index] + payment.amount
        references[index].append(payment.reference)
    buckets = [
        WeekBucket(
            week_start=first + timedelta(weeks=i),
            week=_label(first + timedelta(weeks=i)),
            amount=amounts[i],
            references=references[i],
        )
        for i in range(weeks)
    ]
    return CashFlowForecast(
        currency=currency, buckets=buckets, beyond=beyond, overdue_references=overdue
    )


def forecast_delta(scenario: CashFlowForecast, baseline: CashFlowForecast) -> CashFlowForecast:
    """Week by week ``scenario − baseline``: positive means more cash goes out."""
    if [b.week_start for b in scenario.buckets] != [b.week_start for b in baseline.buckets]:
        raise InvalidInput("forecasts cover different weeks and cannot be compared")
    buckets = [
        WeekBucket(
            week_start=s.week_start,
            week=s.week,
            amount=s.amount - b.amount,
            references=sorted(set(s.references) ^ set(b.references)),
        )
        for s, b in zip(scenario.buckets, baseline.buckets, strict=True)
    ]
    return CashFlowForecast(
        currency=scenario.currency, buckets=buckets, beyond=scenario.beyond - baseline.beyond
    )


__all__ = [
    "CashFlowForecast",
    "ScheduledPayment",
    "WeekBucket",
    "forecast_delta",
    "week_start",
    "weekly_forecast",
]
