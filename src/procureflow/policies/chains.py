"""Whose approval an action needs: the policy decides, a playbook may only ask for more.

An approval chain is an escalation ladder (the current level's role decides; when its SLA
passes the request moves up). The policy's approval matrix sets that ladder for an amount
and a category, so the person who writes a playbook must not be able to choose it: a
playbook that names ``chain: [buyer]`` for a 900,000 EUR purchase would otherwise pick
its own approver. :func:`stricter_chain` is the only way a playbook's chain reaches a
request: every level the policy requires stays, in the policy's order, with the policy's
SLA or a shorter one the playbook asks for. Roles the policy does not name are dropped:
on an escalation ladder any added level is one more person who could decide (once the
policy's levels ran out of time, where the request would otherwise expire), which is
weaker, not stricter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from procureflow.domain.approval import ApprovalLevel
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput
from procureflow.policies.loader import Policy
from procureflow.policies.matrix import approval_chain_for
from procureflow.policies.model import ANY_CATEGORY, resolve_levels


def required_chain(policy: Policy, amount: Money, category: str) -> list[ApprovalLevel]:
    """The policy's chain for ``amount`` in ``category``.

    An amount in a currency the policy has no rule for cannot be priced against the tiers;
    it goes to the category's top tier (what the policy asks for its largest amounts)
    rather than being refused, so that a foreign-currency purchase without an exchange
    rate still reaches the most senior approvers and never a junior one.
    """
    matrix = policy.document.approval_matrix
    candidates = [rule for rule in matrix.rules if rule.category in (category, ANY_CATEGORY)]
    if candidates and not any(rule.currency == amount.currency for rule in candidates):
        if amount.amount < 0:
            raise InvalidInput(f"approval amount must not be negative: {amount}")
        rule = next((r for r in candidates if r.category == category), candidates[0])
        chain = resolve_levels(rule.tiers[-1].chain, matrix.default_sla_hours)
        if rule.escalation_role and chain[-1].role != rule.escalation_role:
            sla = rule.escalation_sla_hours or matrix.default_sla_hours
            chain.append(ApprovalLevel(role=rule.escalation_role, sla_hours=sla))
        return chain
    return approval_chain_for(policy, amount, category)


def stricter_chain(
    required: Sequence[ApprovalLevel], requested: Iterable[ApprovalLevel]
) -> list[ApprovalLevel]:
    """``required`` made stricter by ``requested``, never weaker (see the module docstring).

    Each required role keeps its place; its SLA is the shortest of the required one and any
    the request gives for that role. Requested roles the policy does not require are not
    added (see the module docstring).
    """
    shortest: dict[str, float] = {}
    for level in requested:
        shortest[level.role] = min(shortest.get(level.role, level.sla_hours), level.sla_hours)
    merged: list[ApprovalLevel] = []
    seen: set[str] = set()
    for level in required:
        if level.role in seen:
            continue
        seen.add(level.role)
        sla = min(level.sla_hours, shortest.get(level.role, level.sla_hours))
        merged.append(ApprovalLevel(role=level.role, sla_hours=sla))
    return merged


__all__ = ["required_chain", "stricter_chain"]
