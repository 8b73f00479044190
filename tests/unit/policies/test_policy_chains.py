"""A playbook's chain can only make the policy's chain stricter."""

from __future__ import annotations

from procureflow.domain.approval import ApprovalLevel
from procureflow.domain.money import Money
from procureflow.policies import load_default_policy
from procureflow.policies.chains import required_chain, stricter_chain


def _levels(*pairs: tuple[str, float]) -> list[ApprovalLevel]:
    return [ApprovalLevel(role=role, sla_hours=sla) for role, sla in pairs]


def _pairs(levels: list[ApprovalLevel]) -> list[tuple[str, float]]:
    return [(level.role, level.sla_hours) for level in levels]


def test_every_policy_level_stays_with_its_sla_or_a_shorter_one_and_no_role_is_added() -> None:
    required = _levels(("budget_owner", 24), ("cfo", 48))
    asked = _levels(("buyer", 1), ("cfo", 100), ("budget_owner", 2), ("buyer", 5))
    assert _pairs(stricter_chain(required, asked)) == [
        ("budget_owner", 2),
        ("cfo", 48),
    ]


def test_an_empty_request_keeps_the_policy_chain() -> None:
    required = _levels(("cfo", 48))
    assert _pairs(stricter_chain(required, [])) == [("cfo", 48)]


def test_a_currency_the_policy_cannot_price_gets_the_top_tier() -> None:
    chain = required_chain(load_default_policy(), Money.of("1", "USD"), "direct-materials")
    assert _pairs(chain) == [("cfo", 48)]
