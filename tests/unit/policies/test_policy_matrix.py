"""Approval matrix tiers (exact Decimal edges), category fallback, currency; mandates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procureflow.domain.money import Money
from procureflow.errors import InvalidInput
from procureflow.policies import DEFAULT_WEIGHTS, approval_chain_for, load_policy, mandate_for
from tests.policy_samples import policy_text

POLICY = load_policy(policy_text(), origin="test.yaml")


def roles(amount: str, category: str = "direct-materials") -> list[str]:
    return [level.role for level in approval_chain_for(POLICY, Money.of(amount, "EUR"), category)]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", ["buyer", "cfo"]),
        ("10000.00", ["buyer", "cfo"]),
        ("10000.000000001", ["budget_owner", "cfo"]),
        ("10000.01", ["budget_owner", "cfo"]),
        ("50000", ["budget_owner", "cfo"]),
        ("50000.01", ["cfo"]),
        ("9999999999.99", ["cfo"]),
    ],
)
def test_tier_edges_are_exact_and_inclusive(amount: str, expected: list[str]) -> None:
    assert roles(amount) == expected


def test_sla_comes_from_the_level_or_the_matrix_default() -> None:
    chain = approval_chain_for(POLICY, Money.of("20000", "EUR"), "direct-materials")
    assert [(level.role, level.sla_hours) for level in chain] == [
        ("budget_owner", 24.0),
        ("cfo", 24.0),
    ]
    top = approval_chain_for(POLICY, Money.of("60000", "EUR"), "direct-materials")
    assert [(level.role, level.sla_hours) for level in top] == [("cfo", 48.0)]


def test_an_unlisted_category_uses_the_star_rule_without_escalation() -> None:
    assert roles("999.99", "office-supplies") == ["buyer"]
    assert roles("1000.01", "office-supplies") == ["budget_owner"]


def test_an_amount_in_another_currency_is_refused_with_the_currency_named() -> None:
    with pytest.raises(InvalidInput, match="in EUR, not USD: convert"):
        approval_chain_for(POLICY, Money.of("100", "USD"), "direct-materials")


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must not be negative"):
        approval_chain_for(POLICY, Money(Decimal("-1"), "EUR"), "direct-materials")


def test_no_rule_for_the_category_and_no_star_rule() -> None:
    text = policy_text()
    star_rule = text[text.index('    - category: "*"') : text.index("mandates:")]
    policy = load_policy(text.replace(star_rule, ""))
    with pytest.raises(InvalidInput, match="no approval rule for category 'office-supplies'"):
        approval_chain_for(policy, Money.of("1", "EUR"), "office-supplies")


def test_default_policy_routes_a_large_direct_material_change_to_the_budget_owner() -> None:
    from procureflow.policies import load_default_policy

    chain = approval_chain_for(load_default_policy(), Money.of("48000", "EUR"), "direct-materials")
    assert [level.role for level in chain] == ["category_manager", "budget_owner", "cfo"]


def test_mandate_own_weights_replace_star_weights_and_bounds_merge() -> None:
    sourcing = mandate_for(POLICY, "sourcing")
    assert sourcing.weights == {"cost": 0.5, "lead_time": 0.5}
    assert sourcing.bound("max_price_increase_pct") == Decimal("15")
    assert sourcing.bound("min_esg_score") is None
    other = mandate_for(POLICY, "logistics")
    assert other.weights == {"cost": 0.7, "risk": 0.3}
    assert other.bounds == {}


def test_mandate_defaults_when_the_policy_says_nothing() -> None:
    text = policy_text()
    bare = load_policy(text[: text.index("mandates:")] + text[text.index("evaluation:") :])
    mandate = mandate_for(bare, "sourcing")
    assert mandate.weights == DEFAULT_WEIGHTS
    assert sum(mandate.normalised_weights().values()) == pytest.approx(1.0)
    assert mandate.bound("max_lead_time_days", Decimal("30")) == Decimal("30")
