"""The approval matrix and agent mandates: who approves an amount, what an agent optimises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procureflow.domain.approval import ApprovalLevel
from procureflow.domain.money import Money, to_decimal
from procureflow.errors import InvalidInput
from procureflow.policies.loader import Policy
from procureflow.policies.model import ANY_CATEGORY, DEFAULT_MANDATE, Mandate, resolve_levels

DEFAULT_WEIGHTS: dict[str, float] = {"cost": 0.4, "lead_time": 0.3, "carbon": 0.15, "risk": 0.15}
"""Objective weights of an agent the policy says nothing about."""


def approval_chain_for(policy: Policy, amount: Money, category: str) -> list[ApprovalLevel]:
    """The escalation ladder for ``amount`` in ``category``.

    The rule for the category in the amount's currency wins over the ``*`` rule. Within the
    rule, the first tier whose ``up_to`` is at least the amount applies — an amount exactly
    on an edge belongs to the lower tier, compared as Decimal. The rule's escalation role,
    if set and not already last, is appended as a final level.
    """
    if amount.amount < 0:
        raise InvalidInput(f"approval amount must not be negative: {amount}")
    matrix = policy.document.approval_matrix
    candidates = [rule for rule in matrix.rules if rule.category in (category, ANY_CATEGORY)]
    if not candidates:
        raise InvalidInput(
            f"policy {policy.name} has no approval rule for category {category!r} and no '*' rule"
        )
    in_currency = [rule for rule in candidates if rule.currency == amount.currency]
    if not in_currency:
        have = ", ".join(sorted({rule.currency for rule in candidates}))
        raise InvalidInput(
            f"policy {policy.name} approves {category!r} amounts in {have}, not "
            f"{amount.currency}: convert the amount first"
        )
    rule = next((r for r in in_currency if r.category == category), in_currency[0])
    tier = next((t for t in rule.tiers if t.up_to is None or amount.amount <= t.up_to), None)
    if tier is None:
        raise InvalidInput(
            f"amount {amount} is above every tier for {rule.category!r} in policy {policy.name}"
        )
    chain = resolve_levels(tier.chain, matrix.default_sla_hours)
    if rule.escalation_role and chain[-1].role != rule.escalation_role:
        sla = rule.escalation_sla_hours or matrix.default_sla_hours
        chain.append(ApprovalLevel(role=rule.escalation_role, sla_hours=sla))
    return chain


def matrix_chain_from_facts(policy: Policy, facts: Mapping[str, Any]) -> list[ApprovalLevel]:
    """The matrix chain for the amount and category the policy's ``inputs`` point at."""
    inputs = policy.document.approval_matrix.inputs
    raw_amount = lookup(facts, inputs.amount)
    category = lookup(facts, inputs.category)
    if raw_amount is None:
        raise InvalidInput(f"fact {inputs.amount} (the amount to approve) is missing")
    if not isinstance(category, str) or not category:
        raise InvalidInput(f"fact {inputs.category} (the spend category) is missing")
    return approval_chain_for(policy, as_money(raw_amount, inputs.amount), category)


def as_money(value: Any, path: str) -> Money:
    """A Money from a Money or a ``{amount, currency}`` mapping; the currency is required."""
    if isinstance(value, Money):
        return value
    if isinstance(value, Mapping) and "amount" in value:
        currency = value.get("currency")
        if not isinstance(currency, str) or not currency.strip():
            raise InvalidInput(f"fact {path} has no currency")
        return Money.of(to_decimal(value["amount"], field=f"{path}.amount"), currency)
    raise InvalidInput(f"fact {path} must be a money object with amount and currency")


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The value at dotted ``path`` in ``facts`` (mappings or attributes), or ``None``."""
    value: Any = facts
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        else:
            value = getattr(value, part, None)
        if value is None:
            return None
    return value


def mandate_for(policy: Policy, agent: str) -> Mandate:
    """The mandate of ``agent``: its own entries over the ``*`` mandate over the defaults.

    Weights are one set (an agent's own weights replace the ``*`` weights, which replace
    :data:`DEFAULT_WEIGHTS`), since they only mean something together; bounds merge key by
    key, so a policy can set one bound for one agent without restating the rest.
    """
    mandates = policy.document.mandates
    base = mandates.get(DEFAULT_MANDATE, Mandate())
    own = mandates.get(agent, Mandate())
    weights = dict(own.weights or base.weights or DEFAULT_WEIGHTS)
    return Mandate(weights=weights, bounds={**base.bounds, **own.bounds})


__all__ = [
    "DEFAULT_WEIGHTS",
    "approval_chain_for",
    "as_money",
    "lookup",
    "mandate_for",
    "matrix_chain_from_facts",
]
