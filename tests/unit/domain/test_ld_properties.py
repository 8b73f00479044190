"""Properties of liquidated damages and forecasts that hold for any figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from procureflow.domain.forecast import ScheduledPayment, weekly_forecast
from procureflow.domain.liquidated_damages import liquidated_damages
from procureflow.domain.money import Money

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
rates = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False)


@given(value=amounts, rate=rates, cap=rates, days=st.integers(0, 400))
def test_damages_never_exceed_the_cap_and_grow_with_the_delay(
    value: Decimal, rate: Decimal, cap: Decimal, days: int
) -> None:
    money = Money(value, "EUR")
    now = liquidated_damages(
        contract_value=money, rate_pct_per_week=rate, cap_pct=cap, delay_days=days
    )
    later = liquidated_damages(
        contract_value=money, rate_pct_per_week=rate, cap_pct=cap, delay_days=days + 7
    )
    cap_amount = Money(value * cap / 100, "EUR").rounded().amount
    assert now.amount.amount <= cap_amount
    assert now.amount.amount <= later.amount.amount


@given(
    offsets=st.lists(st.integers(-30, 200), max_size=30),
    weeks=st.integers(1, 20),
)
def test_forecast_keeps_every_payment(offsets: list[int], weeks: int) -> None:
    start = date(2026, 11, 25)
    payments = [
        ScheduledPayment(
            reference=f"P{i}", pay_on=start + timedelta(days=d), amount=Money(Decimal(i + 1), "EUR")
        )
        for i, d in enumerate(offsets)
    ]
    forecast = weekly_forecast(payments, start=start, weeks=weeks, currency="EUR")
    assert forecast.total.amount == sum(Decimal(i + 1) for i in range(len(offsets)))
    assert len(forecast.buckets) == weeks
