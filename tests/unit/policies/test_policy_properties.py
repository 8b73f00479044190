"""Properties that must hold for any amount or fact, not just the examples."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from procureflow.domain.money import Money
from procureflow.policies import approval_chain_for, jsonable_facts, load_policy
from procureflow.policies.cel import activation
from tests.policy_samples import policy_text

POLICY = load_policy(policy_text())
TIER_EDGES = [Decimal("10000.00"), Decimal("50000")]

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


def tier_index(amount: Decimal) -> int:
    chain = approval_chain_for(POLICY, Money(amount, "EUR"), "direct-materials")
    return {"buyer": 0, "budget_owner": 1, "cfo": 2}[chain[0].role]


@given(amounts)
def test_an_amount_gets_the_first_tier_whose_limit_it_does_not_exceed(amount: Decimal) -> None:
    expected = sum(1 for edge in TIER_EDGES if amount > edge)
    assert tier_index(amount) == expected


@given(amounts, amounts)
def test_a_larger_amount_never_needs_less_authority(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert tier_index(low) <= tier_index(high)


facts = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
    )
    | st.text(max_size=20)
    | st.builds(
        lambda amount, currency: Money(amount, currency),
        st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**9),
        st.sampled_from(["EUR", "USD", "JPY"]),
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.sampled_from(["action", "context"]), facts, min_size=1))
def test_recorded_facts_replay_to_the_same_cel_values(value: dict[str, object]) -> None:
    assert activation(jsonable_facts(value)) == activation(value)
