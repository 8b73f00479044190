"""Guardrails: order, strategy, defaults, errors, number and money conversion."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from procureflow.domain.money import Money
from procureflow.errors import InvalidInput
from procureflow.policies import (
    Outcome,
    evaluate_guardrails,
    jsonable_facts,
    load_default_policy,
    load_policy,
)
from procureflow.policies.cel import activation
from tests.policy_samples import policy_text

POLICY = load_policy(policy_text(), origin="test.yaml")


def plan(**action: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "category": "direct-materials",
        "amount": Money.of("20000", "EUR"),
        "price_increase_pct": Decimal("2.0"),
        "suppliers": [{"id": "S1", "approved": True}],
    }
    base.update(action)
    return {"action": base}


def test_within_limits_the_default_outcome_applies() -> None:
    outcome = evaluate_guardrails(POLICY, plan())
    assert outcome.outcome is Outcome.ALLOW
    assert outcome.matched == []
    assert outcome.approval_chain is None
    assert [check["name"] for check in outcome.checked] == [
        "unapproved-supplier",
        "price-increase",
        "small-and-approved",
        "legal-terms",
    ]
    assert all(check["passed"] for check in outcome.checked)
    assert outcome.policy_digest == POLICY.digest


def test_default_outcome_can_ask_for_approval_via_the_fallback_approvers() -> None:
    policy = load_policy(policy_text(default="require_approval"))
    outcome = evaluate_guardrails(policy, plan())
    assert outcome.outcome is Outcome.REQUIRE_APPROVAL
    # fallback approvers default to the matrix: 20,000 EUR direct materials
    assert [level.role for level in outcome.approval_chain or []] == ["budget_owner", "cfo"]


def test_price_increase_above_the_limit_goes_to_the_matrix_chain() -> None:
    outcome = evaluate_guardrails(POLICY, plan(price_increase_pct=Decimal("5.01")))
    assert outcome.outcome is Outcome.REQUIRE_APPROVAL
    assert [hit.name for hit in outcome.matched] == ["price-increase"]
    assert [level.role for level in outcome.approval_chain or []] == ["budget_owner", "cfo"]
    assert {c["name"]: c["passed"] for c in outcome.checked}["price-increase"] is False


def test_exactly_at_the_limit_is_within_it() -> None:
    assert evaluate_guardrails(POLICY, plan(price_increase_pct=5)).outcome is Outcome.ALLOW


def test_most_severe_wins_and_every_guardrail_is_checked() -> None:
    facts = plan(price_increase_pct=9, suppliers=[{"id": "S9", "approved": False}])
    outcome = evaluate_guardrails(POLICY, facts)
    assert outcome.outcome is Outcome.DENY
    assert [hit.name for hit in outcome.matched] == ["unapproved-supplier", "price-increase"]
    assert outcome.approval_chain is None
    assert len(outcome.checked) == 4


def test_first_match_stops_at_the_first_guardrail_that_holds() -> None:
    policy = load_policy(policy_text(strategy="first_match"))
    # a petty amount with a big price increase: price-increase comes first and decides
    facts = plan(amount=Money.of("100", "EUR"), price_increase_pct=9)
    outcome = evaluate_guardrails(policy, facts)
    assert outcome.outcome is Outcome.REQUIRE_APPROVAL
    assert [check["name"] for check in outcome.checked] == ["unapproved-supplier", "price-increase"]
    # within the price limit the allow rule decides before legal-terms is looked at
    facts = plan(amount=Money.of("100", "EUR"), legal=True)
    outcome = evaluate_guardrails(policy, facts)
    assert outcome.outcome is Outcome.ALLOW
    assert [hit.name for hit in outcome.matched] == ["small-and-approved"]
    # under most_severe the same facts need legal
    assert evaluate_guardrails(POLICY, facts).outcome is Outcome.REQUIRE_APPROVAL


def test_chains_of_several_approval_guardrails_join_in_order_without_repeats() -> None:
    outcome = evaluate_guardrails(POLICY, plan(price_increase_pct=9, legal=True))
    chain = outcome.approval_chain or []
    assert [(level.role, level.sla_hours) for level in chain] == [
        ("budget_owner", 24.0),
        ("cfo", 24.0),
        ("legal", 12.0),
    ]


def test_a_guardrail_that_cannot_be_evaluated_asks_a_person() -> None:
    facts = plan()
    del facts["action"]["price_increase_pct"]
    outcome = evaluate_guardrails(POLICY, facts)
    assert outcome.outcome is Outcome.REQUIRE_APPROVAL
    hit = outcome.matched[0]
    assert (hit.name, hit.error) == ("price-increase", True)
    assert "price_increase_pct" in hit.reason and "missing" in hit.reason


def test_a_non_boolean_result_counts_as_an_error() -> None:
    text = policy_text().replace("action.amount.amount <= 500", "action.amount.amount + 1")
    outcome = evaluate_guardrails(load_policy(text), plan())
    assert [(hit.name, hit.error) for hit in outcome.matched] == [("small-and-approved", True)]
    assert "not true or false" in outcome.matched[0].reason


def test_int_literals_compare_with_decimal_and_int_facts() -> None:
    text = policy_text(limit="5")  # an int literal against double facts
    policy = load_policy(text)
    assert evaluate_guardrails(policy, plan(price_increase_pct=Decimal("5.5"))).outcome is (
        Outcome.REQUIRE_APPROVAL
    )
    assert evaluate_guardrails(policy, plan(price_increase_pct=5)).outcome is Outcome.ALLOW


def test_matrix_approval_needs_the_amount_with_its_currency() -> None:
    facts = plan(price_increase_pct=9, amount={"amount": "20000"})
    with pytest.raises(InvalidInput, match="action.amount has no currency"):
        evaluate_guardrails(POLICY, facts)


def test_recorded_json_facts_convert_to_the_same_cel_values() -> None:
    facts = plan(
        price_increase_pct=Decimal("7.25"),
        extra_cost=Money.of("10000.10", "EUR"),
        need_by=datetime(2026, 4, 1, 12, 30, tzinfo=UTC),
        lead_days=12,
    )
    assert activation(jsonable_facts(facts)) == activation(facts)
    recorded = jsonable_facts(facts)
    assert recorded["action"]["extra_cost"] == {"amount": "10000.10", "currency": "EUR"}
    assert evaluate_guardrails(POLICY, recorded) == evaluate_guardrails(POLICY, facts)


def test_facts_of_unsupported_types_are_named() -> None:
    with pytest.raises(InvalidInput, match=r"action\.blob: a bytes cannot be a guard fact"):
        evaluate_guardrails(POLICY, plan(blob=b"\x00"))


def default_facts(**action: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "recovery_plan",
        "category": "direct-materials",
        "amount": {"amount": 48000, "currency": "EUR"},
        "extra_cost": {"amount": "4000.00", "currency": "EUR"},
        "price_increase_pct": 3.0,
        "carbon_increase_pct": 4.0,
        "suppliers": [
            {"id": "SUP-A", "approved": True, "esg_score": 71, "expired_certificates": []}
        ],
    }
    base.update(action)
    return {"action": base, "context": {"severity": "high", "force_majeure": False}}


@pytest.mark.parametrize(
    ("change", "expected", "guard"),
    [
        ({}, Outcome.ALLOW, None),
        ({"price_increase_pct": 5.5}, Outcome.REQUIRE_APPROVAL, "price-increase-over-limit"),
        (
            {"extra_cost": {"amount": "10000.01", "currency": "EUR"}},
            Outcome.REQUIRE_APPROVAL,
            "extra-cost-over-limit",
        ),
        (
            {"extra_cost": {"amount": "10", "currency": "USD"}},
            Outcome.REQUIRE_APPROVAL,
            "extra-cost-over-limit",
        ),
        ({"carbon_increase_pct": 25}, Outcome.REQUIRE_APPROVAL, "carbon-increase"),
        (
            {
                "suppliers": [
                    {"id": "X", "approved": False, "esg_score": 80, "expired_certificates": []}
                ]
            },
            Outcome.DENY,
            "unapproved-supplier",
        ),
        (
            {
                "suppliers": [
                    {
                        "id": "X",
                        "approved": True,
                        "esg_score": 80,
                        "expired_certificates": ["ISO 9001"],
                    }
                ]
            },
            Outcome.DENY,
            "expired-certificate",
        ),
    ],
)
def test_default_policy_guards_recovery_plans(
    change: dict[str, Any], expected: Outcome, guard: str | None
) -> None:
    outcome = evaluate_guardrails(load_default_policy(), default_facts(**change))
    assert outcome.outcome is expected
    if guard is not None:
        assert guard in [hit.name for hit in outcome.matched]
    if expected is Outcome.REQUIRE_APPROVAL:
        assert outcome.approval_chain


def test_on_error_deny_stops_actions_with_incomplete_facts() -> None:
    text = policy_text().replace("  default: allow\n", "  default: allow\n  on_error: deny\n")
    facts = plan()
    del facts["action"]["suppliers"]
    outcome = evaluate_guardrails(load_policy(text), facts)
    assert outcome.outcome is Outcome.DENY
    assert outcome.matched[0].name == "unapproved-supplier"
    assert outcome.matched[0].error


def test_times_compare_through_cel_timestamps() -> None:
    text = policy_text().replace(
        "when: has(action.legal) && action.legal",
        "when: timestamp(action.certificate_expiry) < timestamp(context.need_by)",
    )
    policy = load_policy(text)
    need_by = datetime(2026, 5, 1, tzinfo=UTC)
    expired = {**plan(certificate_expiry=datetime(2026, 4, 30, 23, 0, tzinfo=UTC))}
    expired["context"] = {"need_by": need_by}
    assert evaluate_guardrails(policy, expired).outcome is Outcome.REQUIRE_APPROVAL
    valid = {**plan(certificate_expiry=datetime(2026, 5, 2, tzinfo=UTC))}
    valid["context"] = {"need_by": need_by}
    assert evaluate_guardrails(policy, valid).outcome is Outcome.ALLOW
