"""What-if replay: which recorded decisions a changed policy would decide differently."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from procureflow.domain.money import Money
from procureflow.policies import (
    RecordedGuardDecision,
    evaluate_guardrails,
    jsonable_facts,
    load_policy,
    simulate,
)
from tests.policy_samples import policy_text

OLD = load_policy(policy_text(limit="5.0"))


def recorded(instance: str, pct: str, amount: str = "20000") -> RecordedGuardDecision:
    facts: dict[str, Any] = {
        "action": {
            "category": "direct-materials",
            "amount": Money.of(amount, "EUR"),
            "price_increase_pct": Decimal(pct),
            "suppliers": [{"id": "S1", "approved": True}],
        }
    }
    outcome = evaluate_guardrails(OLD, facts)
    return RecordedGuardDecision(
        instance_id=instance,
        task_key="guard",
        policy_digest=OLD.digest,
        facts=jsonable_facts(facts),
        outcome=outcome.model_dump(mode="json"),
    )


def test_the_same_policy_changes_nothing() -> None:
    report = simulate(OLD, [recorded("i1", "2"), recorded("i2", "8")])
    assert (report.total, report.unchanged, report.changed) == (2, 2, 0)


def test_a_lower_limit_turns_allowed_plans_into_approvals() -> None:
    stricter = load_policy(policy_text(limit="3.0"))
    report = simulate(stricter, [recorded("i1", "2"), recorded("i2", "4"), recorded("i3", "8")])
    assert (report.total, report.changed, report.unchanged) == (3, 1, 2)
    change = report.changes[0]
    assert change.instance_id == "i2"
    assert (change.before_outcome, change.after_outcome) == ("allow", "require_approval")
    assert change.before_chain is None
    assert change.after_chain == ["budget_owner@24h", "cfo@24h"]
    assert change.recorded_policy_digest == OLD.digest
    assert report.transitions == {"allow → require_approval": 1}
    assert report.to_json()["changes"][0]["transition"] == "allow → require_approval"


def test_a_changed_matrix_tier_is_reported_as_an_approver_change() -> None:
    moved = load_policy(policy_text().replace("up_to: 10000.00", "up_to: 25000"))
    report = simulate(moved, [recorded("i1", "8", amount="20000")])
    assert report.changed == 1
    change = report.changes[0]
    assert change.before_outcome == change.after_outcome == "require_approval"
    assert change.before_chain == ["budget_owner@24h", "cfo@24h"]
    assert change.after_chain == ["buyer@8h", "cfo@24h"]
    assert change.transition == "require_approval (approvers changed)"


def test_decisions_the_new_policy_cannot_evaluate_are_listed_not_fatal() -> None:
    in_usd = load_policy(policy_text().replace("currency: EUR", "currency: USD"))
    report = simulate(in_usd, [recorded("i1", "8"), recorded("i2", "1")])
    assert report.total == 2
    assert [error.instance_id for error in report.errors] == ["i1"]
    assert "not EUR" in report.errors[0].error
    assert report.unchanged == 1
