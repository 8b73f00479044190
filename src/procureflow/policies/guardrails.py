"""Guardrails: decide whether an agent's proposed action runs alone, needs a person, or stops.

Facts are a mapping of top-level CEL variables, by convention ``action`` (what the agent
proposes: amounts, price increase, suppliers, …) and ``context`` (the situation: severity,
dates). Guardrails are evaluated in the order written:

* ``most_severe`` (default): every guardrail is checked; the outcome is the most severe
  of those that matched (deny over require_approval over allow).
* ``first_match``: the first guardrail that matches decides; the rest are not checked.

When none matches, ``evaluation.default`` applies. A guardrail that cannot be evaluated
(a fact it reads is missing, a type mismatch) counts as matched with
``evaluation.on_error`` (require_approval unless the policy says otherwise): a policy
never lets an action through because its facts were incomplete.

The approval chain of a ``require_approval`` outcome joins, in guardrail order, the chains
of every matched guardrail that asked for approval (``matrix`` means the approval matrix
for the action's amount and category); a role appears once, at its first place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from celpy import celtypes
from pydantic import BaseModel, ConfigDict, Field

from procureflow.domain.approval import ApprovalLevel
from procureflow.errors import ExpressionError
from procureflow.policies.cel import activation
from procureflow.policies.loader import Policy
from procureflow.policies.matrix import matrix_chain_from_facts
from procureflow.policies.model import MATRIX, Outcome, Strategy, approver_names


class GuardHit(BaseModel):
    """A guardrail that matched (or could not be evaluated) and what it decided."""

    model_config = ConfigDict(frozen=True)

    name: str
    outcome: Outcome
    reason: str = ""
    error: bool = False


class GuardOutcome(BaseModel):
    """The decision for one proposed action, with everything needed to explain it."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    matched: list[GuardHit] = Field(default_factory=list)
    approval_chain: list[ApprovalLevel] | None = None
    checked: list[dict[str, Any]] = Field(default_factory=list)
    policy: str = ""
    policy_digest: str = ""

    @property
    def allowed(self) -> bool:
        """True when the action may run without a person."""
        return self.outcome is Outcome.ALLOW


def evaluate_guardrails(policy: Policy, facts: Mapping[str, Any]) -> GuardOutcome:
    """Run the policy's guardrails over ``facts`` and combine them (see module docstring).

    ``checked`` lists each evaluated guardrail as ``{name, passed, detail}`` — the shape of
    an agent Decision's ``GuardrailCheck`` — so it can go straight into the decision record.
    """
    doc = policy.document
    variables = activation(facts)
    hits: list[GuardHit] = []
    checked: list[dict[str, Any]] = []
    for guard in doc.guardrails:
        try:
            matched = _holds(policy, guard.name, variables)
            hit = GuardHit(name=guard.name, outcome=guard.outcome, reason=guard.reason)
        except ExpressionError as exc:
            matched = True
            hit = GuardHit(
                name=guard.name,
                outcome=doc.evaluation.on_error,
                reason=f"could not be evaluated: {exc}",
                error=True,
            )
        if not matched:
            checked.append({"name": guard.name, "passed": True, "detail": "not triggered"})
            continue
        hits.append(hit)
        checked.append(
            {
                "name": guard.name,
                "passed": hit.outcome is Outcome.ALLOW,
                "detail": f"{hit.outcome.value}: {hit.reason}".rstrip(": "),
            }
        )
        if doc.evaluation.strategy is Strategy.FIRST_MATCH:
            break
    outcome = _combine(policy, hits)
    chain = _chain(policy, facts, hits) if outcome is Outcome.REQUIRE_APPROVAL else None
    return GuardOutcome(
        outcome=outcome,
        matched=hits,
        approval_chain=chain,
        checked=checked,
        policy=policy.name,
        policy_digest=policy.digest,
    )


def _holds(policy: Policy, name: str, variables: Mapping[str, Any]) -> bool:
    result = policy.conditions[name].evaluate(variables)
    if not isinstance(result, celtypes.BoolType):
        raise ExpressionError(f"gave {type(result).__name__} {result!r}, not true or false")
    return bool(result)


def _combine(policy: Policy, hits: list[GuardHit]) -> Outcome:
    if not hits:
        return policy.document.evaluation.default
    if policy.document.evaluation.strategy is Strategy.FIRST_MATCH:
        return hits[0].outcome
    return max((hit.outcome for hit in hits), key=lambda outcome: outcome.severity)


def _chain(policy: Policy, facts: Mapping[str, Any], hits: list[GuardHit]) -> list[ApprovalLevel]:
    doc = policy.document
    approvers: list[str] = []
    by_name = {guard.name: guard for guard in doc.guardrails}
    slas: dict[str, float | None] = {}
    for hit in hits:
        if hit.outcome is not Outcome.REQUIRE_APPROVAL:
            continue
        guard = by_name[hit.name]
        names = (
            approver_names(doc.evaluation.fallback_approvers)
            if hit.error
            else approver_names(guard.approvers)
        )
        for name in names:
            approvers.append(name)
            slas.setdefault(name, None if hit.error else guard.sla_hours)
    if not approvers:  # the default outcome asked for approval
        approvers = approver_names(doc.evaluation.fallback_approvers)
    levels: list[ApprovalLevel] = []
    for name in approvers:
        if name == MATRIX:
            levels += matrix_chain_from_facts(policy, facts)
        else:
            sla = slas.get(name) or doc.approval_matrix.default_sla_hours
            levels.append(ApprovalLevel(role=name, sla_hours=sla))
    seen: set[str] = set()
    unique = []
    for level in levels:
        if level.role not in seen:
            seen.add(level.role)
            unique.append(level)
    return unique


__all__ = ["GuardHit", "GuardOutcome", "evaluate_guardrails"]
