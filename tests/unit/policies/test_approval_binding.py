"""The approval binding rules: digest, segregation of duties, role, state, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from procureflow.domain.approval import (
    ApprovalLevel,
    ApprovalStatus,
    ApprovalView,
    action_digest,
    check_decision,
    due_at,
    escalate,
    is_overdue,
)
from procureflow.errors import Conflict, Forbidden, SegregationOfDuties, StaleApproval

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACTION = {"po": "PO-1001", "supplier": "SUP-7", "unit_price": Decimal("12.40"), "qty": 500}


def pending(**changes: object) -> ApprovalView:
    chain = [
        ApprovalLevel(role="budget_owner", sla_hours=24),
        ApprovalLevel(role="cfo", sla_hours=48),
    ]
    base: dict[str, object] = {
        "id": "ap-1",
        "digest": action_digest(ACTION),
        "requested_by": "sourcing-agent",
        "chain": chain,
        "level": 0,
        "status": ApprovalStatus.PENDING,
        "due_at": due_at(chain[0], NOW),
    }
    base.update(changes)
    return ApprovalView.model_validate(base)


def test_action_digest_ignores_key_order_but_not_values() -> None:
    reordered = dict(reversed(list(ACTION.items())))
    assert action_digest(reordered) == action_digest(ACTION)
    changed = {**ACTION, "unit_price": Decimal("12.41")}
    assert action_digest(changed) != action_digest(ACTION)
    assert len(action_digest(ACTION)) == 64


def test_the_current_role_with_the_current_digest_may_decide() -> None:
    check_decision(pending(), "bo@example.com", {"budget_owner"}, action_digest(ACTION), NOW)


def test_a_stale_digest_is_refused() -> None:
    old = action_digest({**ACTION, "qty": 400})
    with pytest.raises(StaleApproval, match="not the current action's digest"):
        check_decision(pending(), "bo@example.com", {"budget_owner"}, old, NOW)


def test_the_requester_cannot_approve_their_own_request_whatever_their_roles() -> None:
    with pytest.raises(SegregationOfDuties, match="cannot decide it"):
        check_decision(
            pending(requested_by="Ann@Example.com"),
            "ann@example.com",
            {"budget_owner", "cfo"},
            action_digest(ACTION),
            NOW,
        )


def test_a_role_of_another_level_is_forbidden() -> None:
    with pytest.raises(Forbidden, match="needs role 'budget_owner'"):
        check_decision(pending(), "cfo@example.com", {"cfo"}, action_digest(ACTION), NOW)
    # after escalation the CFO is the one who decides, the budget owner no longer
    escalated = pending(level=1)
    check_decision(escalated, "cfo@example.com", {"cfo"}, action_digest(ACTION), NOW)
    with pytest.raises(Forbidden):
        check_decision(escalated, "bo@example.com", {"budget_owner"}, action_digest(ACTION), NOW)


@pytest.mark.parametrize(
    "status", [ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED]
)
def test_a_second_decision_is_a_conflict(status: ApprovalStatus) -> None:
    with pytest.raises(Conflict, match=f"already {status.value}"):
        check_decision(
            pending(status=status), "bo@example.com", {"budget_owner"}, action_digest(ACTION), NOW
        )


def test_a_request_past_its_expiry_is_a_conflict_even_before_it_is_marked() -> None:
    view = pending(expires_at=NOW - timedelta(minutes=1))
    with pytest.raises(Conflict, match="expired"):
        check_decision(view, "bo@example.com", {"budget_owner"}, action_digest(ACTION), NOW)


def test_escalation_waits_for_the_sla_then_moves_to_the_next_role() -> None:
    view = pending()
    assert escalate(view, NOW + timedelta(hours=23, minutes=59)) is None
    assert not is_overdue(view, NOW + timedelta(hours=23))
    later = NOW + timedelta(hours=24)
    step = escalate(view, later)
    assert step is not None
    assert (step.level, step.role) == (1, "cfo")
    assert step.due_at == later + timedelta(hours=48)
    assert is_overdue(view, later)


def test_no_escalation_after_the_last_level_or_once_decided() -> None:
    last = pending(level=1, due_at=NOW)
    assert escalate(last, NOW + timedelta(days=5)) is None
    decided = pending(status=ApprovalStatus.APPROVED)
    assert escalate(decided, NOW + timedelta(days=5)) is None
