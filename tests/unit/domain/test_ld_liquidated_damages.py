"""Liquidated damages: rate per full week, capped, none under force majeure, exact Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procureflow.domain.liquidated_damages import (
    DamagesBasis,
    full_weeks_of_delay,
    liquidated_damages,
)
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput

EUR_100K = Money.of("100000", "EUR")


def test_six_weeks_at_half_a_percent_of_the_contract_value() -> None:
    result = liquidated_damages(
        contract_value=EUR_100K,
        rate_pct_per_week=Decimal("0.5"),
        cap_pct=Decimal("5"),
        delay_days=45,
    )
    assert result.full_weeks == 6
    assert result.amount == Money.of("3000.00", "EUR")
    assert not result.capped
    assert result.basis is DamagesBasis.CONTRACT_VALUE


def test_damages_stop_at_the_cap() -> None:
    result = liquidated_damages(
        contract_value=EUR_100K,
        rate_pct_per_week=Decimal("0.5"),
        cap_pct=Decimal("5"),
        delay_days=13 * 7,
    )
    assert result.uncapped.amount == Decimal("6500")
    assert result.amount == Money.of("5000.00", "EUR")
    assert result.capped
    assert "capped at 5%" in result.explanation


@pytest.mark.parametrize(("days", "weeks"), [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2), (44, 6)])
def test_only_full_weeks_count(days: int, weeks: int) -> None:
    assert full_weeks_of_delay(days) == weeks


def test_less_than_a_week_owes_nothing_and_says_so() -> None:
    result = liquidated_damages(
        contract_value=EUR_100K, rate_pct_per_week=Decimal(1), cap_pct=Decimal(10), delay_days=6
    )
    assert result.amount == Money.of(0, "EUR")
    assert "less than one full week" in result.explanation


def test_force_majeure_owes_nothing_however_long_the_delay() -> None:
    result = liquidated_damages(
        contract_value=EUR_100K,
        rate_pct_per_week=Decimal("0.5"),
        cap_pct=Decimal("5"),
        delay_days=70,
        force_majeure=True,
    )
    assert result.amount.amount == 0
    assert result.force_majeure
    assert "force majeure" in result.explanation


def test_delayed_po_value_is_the_basis_when_given() -> None:
    result = liquidated_damages(
        contract_value=EUR_100K,
        rate_pct_per_week=Decimal("0.5"),
        cap_pct=Decimal("5"),
        delay_days=42,
        delayed_po_value=Money.of("20000", "EUR"),
    )
    assert result.basis is DamagesBasis.DELAYED_PO_VALUE
    assert result.amount == Money.of("600.00", "EUR")


def test_amount_is_exact_decimal_rounded_half_up_once() -> None:
    result = liquidated_damages(
        contract_value=Money.of("333.33", "EUR"),
        rate_pct_per_week=Decimal("0.75"),
        cap_pct=Decimal("10"),
        delay_days=7,
    )
    assert result.uncapped.amount == Decimal("2.4999750")
    assert result.amount.amount == Decimal("2.50")


def test_bad_input_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput, match="negative"):
        liquidated_damages(
            contract_value=EUR_100K, rate_pct_per_week=Decimal(1), cap_pct=Decimal(5), delay_days=-1
        )
    with pytest.raises(InvalidInput, match="USD"):
        liquidated_damages(
            contract_value=EUR_100K,
            rate_pct_per_week=Decimal(1),
            cap_pct=Decimal(5),
            delay_days=14,
            delayed_po_value=Money.of("10", "USD"),
        )
