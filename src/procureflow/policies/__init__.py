"""Policies: approval matrix, agent mandates and guardrails as YAML with CEL expressions.

Public API::

    policy = load_policy(text, origin="file.yaml")     # or load_default_policy()
    policy.digest                                       # identifies the rules that decided
    evaluate_guardrails(policy, {"action": {...}})      # allow | require_approval | deny
    approval_chain_for(policy, Money.of("12000", "EUR"), "logistics")
    mandate_for(policy, "sourcing")                     # weights + hard bounds
    simulate(new_policy, recorded_decisions)            # what would change
"""

from __future__ import annotations

from procureflow.domain.approval import ApprovalLevel
from procureflow.policies.cel import jsonable_facts
from procureflow.policies.guardrails import GuardHit, GuardOutcome, evaluate_guardrails
from procureflow.policies.loader import (
    Policy,
    load_active_policy,
    load_default_policy,
    load_policy,
    load_policy_file,
)
from procureflow.policies.matrix import DEFAULT_WEIGHTS, approval_chain_for, mandate_for
from procureflow.policies.model import Mandate, Outcome, PolicyDocument
from procureflow.policies.simulate import (
    DecisionChange,
    RecordedGuardDecision,
    SimulationError,
    SimulationReport,
    simulate,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "ApprovalLevel",
    "DecisionChange",
    "GuardHit",
    "GuardOutcome",
    "Mandate",
    "Outcome",
    "Policy",
    "PolicyDocument",
    "RecordedGuardDecision",
    "SimulationError",
    "SimulationReport",
    "approval_chain_for",
    "evaluate_guardrails",
    "jsonable_facts",
    "load_active_policy",
    "load_default_policy",
    "load_policy",
    "load_policy_file",
    "mandate_for",
    "simulate",
]
