"""Stock impact of a late delivery: cover, stock-out, shortfall, safety-stock breach, severity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procureflow.domain.inventory import Severity, StockPosition, project_impact
from procureflow.errors import InvalidInput

AS_OF = date(2026, 11, 23)


def _position(on_hand: int, safety: int, demand: int, *, critical: bool = False) -> StockPosition:
    return StockPosition(
        sku="X-1",
        on_hand=Decimal(on_hand),
        safety_stock=Decimal(safety),
        daily_demand=Decimal(demand),
        critical=critical,
    )


def test_six_week_delay_on_a_critical_motor_runs_out_in_ten_days() -> None:
    impact = project_impact(
        _position(420, 120, 40, critical=True),
        as_of=AS_OF,
        arrival_date=date(2027, 1, 11),
        delay_days=42,
    )
    assert impact.days_of_cover == Decimal("10.5")
    assert impact.stock_out_date == date(2026, 12, 3)
    assert impact.safety_stock_breach_date == date(2026, 11, 30)
    assert impact.need_by == date(2026, 11, 30)
    # 49 days until the goods arrive at 40 a day, 420 on hand
    assert impact.shortfall_qty == Decimal(49 * 40 - 420)
    assert impact.shortfall_to_safety_qty == Decimal(49 * 40 - 420 + 120)
    assert impact.stockout_days == Decimal(39)
    assert impact.severity is Severity.CRITICAL


def test_enough_stock_until_arrival_is_low_and_breach_without_stockout_is_medium() -> None:
    plenty = project_impact(
        _position(1000, 100, 10), as_of=AS_OF, arrival_date=AS_OF + timedelta(20), delay_days=20
    )
    assert (plenty.stock_out_date, plenty.safety_stock_breach_date) == (None, None)
    assert plenty.shortfall_qty == 0 and plenty.severity is Severity.LOW

    dips = project_impact(
        _position(300, 100, 10), as_of=AS_OF, arrival_date=AS_OF + timedelta(25), delay_days=25
    )
    assert dips.stock_out_date is None
    assert dips.safety_stock_breach_date == AS_OF + timedelta(20)
    assert dips.severity is Severity.MEDIUM


def test_a_critical_item_is_raised_one_level() -> None:
    common = project_impact(
        _position(300, 100, 10), as_of=AS_OF, arrival_date=AS_OF + timedelta(25), delay_days=25
    )
    critical = project_impact(
        _position(300, 100, 10, critical=True),
        as_of=AS_OF,
        arrival_date=AS_OF + timedelta(25),
        delay_days=25,
    )
    assert (common.severity, critical.severity) == (Severity.MEDIUM, Severity.HIGH)


@pytest.mark.parametrize(
    ("on_hand", "horizon", "expected"),
    [
        (100, 23, Severity.HIGH),  # runs out on day 10 for 13 days
        (100, 24, Severity.CRITICAL),  # 14 days without stock
        (60, 8, Severity.CRITICAL),  # runs out within a week
        (70, 8, Severity.HIGH),  # runs out on day 7 for one day
    ],
)
def test_stockout_length_and_nearness_decide_high_or_critical(
    on_hand: int, horizon: int, expected: Severity
) -> None:
    impact = project_impact(
        _position(on_hand, 0, 10),
        as_of=AS_OF,
        arrival_date=AS_OF + timedelta(horizon),
        delay_days=horizon,
    )
    assert impact.severity is expected


def test_stock_already_below_safety_is_breached_today_and_zero_demand_never_runs_out() -> None:
    below = project_impact(
        _position(50, 80, 10), as_of=AS_OF, arrival_date=AS_OF + timedelta(3), delay_days=3
    )
    assert below.safety_stock_breach_date == AS_OF
    idle = project_impact(
        _position(5, 80, 0), as_of=AS_OF, arrival_date=AS_OF + timedelta(60), delay_days=60
    )
    assert idle.days_of_cover is None and idle.stock_out_date is None
    assert idle.shortfall_qty == 0 and idle.severity is Severity.LOW


def test_negative_stock_is_refused() -> None:
    with pytest.raises(InvalidInput, match="on_hand must not be negative"):
        project_impact(_position(-1, 0, 1), as_of=AS_OF, arrival_date=AS_OF, delay_days=0)


@given(
    on_hand=st.integers(0, 5000),
    safety=st.integers(0, 500),
    demand=st.integers(1, 300),
    horizon=st.integers(0, 120),
)
def test_shortfall_is_uncovered_demand_and_matches_the_stockout_date(
    on_hand: int, safety: int, demand: int, horizon: int
) -> None:
    impact = project_impact(
        _position(on_hand, safety, demand),
        as_of=AS_OF,
        arrival_date=AS_OF + timedelta(horizon),
        delay_days=horizon,
    )
    assert impact.shortfall_qty == max(Decimal(demand * horizon - on_hand), Decimal(0))
    assert (impact.stock_out_date is None) == (impact.shortfall_qty == 0)
    if impact.stock_out_date and impact.safety_stock_breach_date:
        assert impact.safety_stock_breach_date <= impact.stock_out_date
    assert impact.severity.rank >= (2 if impact.stock_out_date else 0)
