"""What-if: replay recorded guard decisions under a changed policy and list what would change.

A decision *changes* when its outcome differs (allow → require_approval, …) or when it
still needs approval but from a different chain (other roles, order or SLAs). Decisions
whose facts the new policy cannot evaluate at all (the matrix has no rule for a category,
say) are listed as errors rather than stopping the replay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from procureflow.errors import InvalidInput
from procureflow.policies.guardrails import evaluate_guardrails
from procureflow.policies.loader import Policy


class RecordedGuardDecision(BaseModel):
    """One guard decision as stored: its facts and the outcome the policy of the day gave."""

    model_config = ConfigDict(frozen=True)

    instance_id: str | None = None
    task_key: str | None = None
    policy_digest: str = ""
    facts: dict[str, Any]
    outcome: dict[str, Any]


class DecisionChange(BaseModel):
    """A recorded decision that the new policy would decide differently."""

    model_config = ConfigDict(frozen=True)

    instance_id: str | None
    task_key: str | None
    before_outcome: str
    after_outcome: str
    before_chain: list[str] | None
    after_chain: list[str] | None
    matched_after: list[str] = Field(default_factory=list)
    recorded_policy_digest: str = ""

    @property
    def transition(self) -> str:
        """``before → after``, or ``outcome (chain changed)`` when only the chain moved."""
        if self.before_outcome == self.after_outcome:
            return f"{self.after_outcome} (approvers changed)"
        return f"{self.before_outcome} → {self.after_outcome}"


class SimulationError(BaseModel):
    """A recorded decision the new policy could not evaluate."""

    model_config = ConfigDict(frozen=True)

    instance_id: str | None
    task_key: str | None
    error: str


class SimulationReport(BaseModel):
    """The replay's result: every change with before and after, and the counts."""

    policy: str
    policy_digest: str
    total: int = 0
    unchanged: int = 0
    changes: list[DecisionChange] = Field(default_factory=list)
    errors: list[SimulationError] = Field(default_factory=list)
    transitions: dict[str, int] = Field(default_factory=dict)

    @property
    def changed(self) -> int:
        """How many decisions would change."""
        return len(self.changes)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON data, with ``changed`` and each change's ``transition``."""
        data = self.model_dump(mode="json")
        data["changed"] = self.changed
        for item, change in zip(data["changes"], self.changes, strict=True):
            item["transition"] = change.transition
        return data


def _chain_of(outcome: dict[str, Any]) -> list[str] | None:
    chain = outcome.get("approval_chain")
    if not chain:
        return None
    return [f"{level['role']}@{float(level['sla_hours']):g}h" for level in chain]


def simulate(new_policy: Policy, recorded: Iterable[RecordedGuardDecision]) -> SimulationReport:
    """Evaluate each recorded decision's facts under ``new_policy`` and compare outcomes.

    Pure: nothing is written; the recorded decisions come from the store through the caller.
    """
    report = SimulationReport(policy=new_policy.name, policy_digest=new_policy.digest)
    transitions: Counter[str] = Counter()
    for decision in recorded:
        report.total += 1
        try:
            after = evaluate_guardrails(new_policy, decision.facts).model_dump(mode="json")
        except InvalidInput as exc:
            report.errors.append(
                SimulationError(
                    instance_id=decision.instance_id, task_key=decision.task_key, error=str(exc)
                )
            )
            continue
        before_outcome = str(decision.outcome.get("outcome", "unknown"))
        before_chain = _chain_of(decision.outcome)
        after_chain = _chain_of(after)
        if before_outcome == after["outcome"] and before_chain == after_chain:
            report.unchanged += 1
            continue
        change = DecisionChange(
            instance_id=decision.instance_id,
            task_key=decision.task_key,
            before_outcome=before_outcome,
            after_outcome=after["outcome"],
            before_chain=before_chain,
            after_chain=after_chain,
            matched_after=[hit["name"] for hit in after["matched"]],
            recorded_policy_digest=decision.policy_digest,
        )
        report.changes.append(change)
        transitions[change.transition] += 1
    report.transitions = dict(sorted(transitions.items()))
    return report


__all__ = [
    "DecisionChange",
    "RecordedGuardDecision",
    "SimulationError",
    "SimulationReport",
    "simulate",
]
