"""The policy document: approval matrix, agent mandates, guardrails — validated with pydantic.

A policy is YAML written by procurement operations, not by developers, so every model
forbids unknown fields (a typo is an error, not a silently ignored rule) and every role a
rule names must be declared under ``roles``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from procureflow.domain.approval import ApprovalLevel

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$", max_length=100)]
MATRIX = "matrix"
ANY_CATEGORY = "*"
DEFAULT_MANDATE = "*"


class Outcome(StrEnum):
    """What a guardrail decides for an action; ordered from least to most severe."""

    ALLOW = "allow"
    REQUIRE_APPROVAL = "require_approval"
    DENY = "deny"

    @property
    def severity(self) -> int:
        """0 for allow, 1 for approval, 2 for deny: the most severe matched outcome wins."""
        return _SEVERITY[self]


_SEVERITY = {Outcome.ALLOW: 0, Outcome.REQUIRE_APPROVAL: 1, Outcome.DENY: 2}


class Strategy(StrEnum):
    """How matched guardrails combine."""

    MOST_SEVERE = "most_severe"  # every guardrail is checked; deny > approval > allow
    FIRST_MATCH = "first_match"  # guardrails in order; the first that matches decides


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _level(value: Any) -> Any:
    """A chain entry may be a bare role name; its SLA then comes from the matrix default."""
    if isinstance(value, str):
        return {"role": value}
    return value


class LevelSpec(_Strict):
    """One chain entry as written: the SLA may be left to the default."""

    role: Identifier
    sla_hours: float | None = Field(default=None, gt=0, le=24 * 365)


class Tier(_Strict):
    """Amounts up to and including ``up_to`` (no ``up_to``: no upper limit) use ``chain``."""

    up_to: Decimal | None = Field(default=None, ge=0)
    chain: list[LevelSpec] = Field(min_length=1)

    @field_validator("chain", mode="before")
    @classmethod
    def _bare_roles(cls, value: Any) -> Any:
        return [_level(item) for item in value] if isinstance(value, list) else value


class MatrixRule(_Strict):
    """Approval chains by amount tier for one category (or ``*`` for any other)."""

    category: Annotated[str, Field(min_length=1, max_length=100)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    tiers: list[Tier] = Field(min_length=1)
    escalation_role: Identifier | None = None
    escalation_sla_hours: float | None = Field(default=None, gt=0, le=24 * 365)

    @model_validator(mode="after")
    def _tiers_ascend(self) -> MatrixRule:
        bounds = [tier.up_to for tier in self.tiers]
        if any(bound is None for bound in bounds[:-1]):
            raise ValueError("only the last tier may leave out up_to (no upper limit)")
        limits = [bound for bound in bounds if bound is not None]
        if limits != sorted(set(limits)):
            raise ValueError("tier up_to amounts must strictly increase")
        return self


class MatrixInputs(_Strict):
    """Where in the guard facts the matrix finds the amount (a money object) and category."""

    amount: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    category: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]


class ApprovalMatrix(_Strict):
    """Who approves what: the first rule for the category (else ``*``) and its tier."""

    default_sla_hours: float = Field(default=24.0, gt=0, le=24 * 365)
    inputs: MatrixInputs = MatrixInputs(amount="action.amount", category="action.category")
    rules: list[MatrixRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_rule_per_category(self) -> ApprovalMatrix:
        seen: set[tuple[str, str]] = set()
        for rule in self.rules:
            key = (rule.category, rule.currency)
            if key in seen:
                raise ValueError(f"two rules for category {rule.category!r} in {rule.currency}")
            seen.add(key)
        return self


class Mandate(_Strict):
    """An agent's objective weights (relative, non-negative) and hard bounds."""

    weights: dict[Identifier, float] = Field(default_factory=dict)
    bounds: dict[Identifier, Decimal] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _weights_non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        negative = sorted(name for name, weight in value.items() if weight < 0)
        if negative:
            raise ValueError(f"weights must not be negative: {', '.join(negative)}")
        return value

    def bound(self, name: str, default: Decimal | None = None) -> Decimal | None:
        """The hard bound ``name`` (e.g. ``max_price_increase_pct``), or ``default``."""
        return self.bounds.get(name, default)

    def normalised_weights(self) -> dict[str, float]:
        """Weights scaled to sum to 1 (all zero stays all zero): what an optimiser uses."""
        total = sum(self.weights.values())
        if total <= 0:
            return dict(self.weights)
        return {name: weight / total for name, weight in self.weights.items()}


class Guardrail(_Strict):
    """A named CEL condition over the facts and what happens to the action when it holds."""

    name: Identifier
    description: str = ""
    when: Annotated[str, Field(min_length=1, max_length=4000)]
    outcome: Outcome
    approvers: str | list[Identifier] | None = None
    sla_hours: float | None = Field(default=None, gt=0, le=24 * 365)
    reason: str = ""

    @model_validator(mode="after")
    def _outcome_needs(self) -> Guardrail:
        if self.outcome is Outcome.REQUIRE_APPROVAL and not self.approvers:
            raise ValueError("require_approval needs approvers: 'matrix', a role or a list")
        if self.outcome is not Outcome.REQUIRE_APPROVAL and self.approvers:
            raise ValueError(f"approvers only apply to require_approval, not {self.outcome}")
        if self.outcome is Outcome.DENY and not self.reason.strip():
            raise ValueError("deny needs a reason the requester can act on")
        return self


class Evaluation(_Strict):
    """How guardrails combine, what happens when none matches or one cannot be evaluated."""

    strategy: Strategy = Strategy.MOST_SEVERE
    default: Outcome = Outcome.ALLOW
    on_error: Outcome = Outcome.REQUIRE_APPROVAL
    fallback_approvers: str | list[Identifier] = MATRIX


class PolicyDocument(_Strict):
    """The whole policy file."""

    name: Identifier
    version: Annotated[str, Field(min_length=1, max_length=100)]
    description: str = ""
    roles: list[Identifier] = Field(min_length=1)
    approval_matrix: ApprovalMatrix = ApprovalMatrix()
    mandates: dict[str, Mandate] = Field(default_factory=dict)
    evaluation: Evaluation = Evaluation()
    guardrails: list[Guardrail] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float | Decimal) else value

    @model_validator(mode="after")
    def _names_resolve(self) -> PolicyDocument:
        names = [guard.name for guard in self.guardrails]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"guardrail names must be unique: {', '.join(duplicates)}")
        declared = set(self.roles)
        for where, role in self._referenced_roles():
            if role != MATRIX and role not in declared:
                raise ValueError(f"{where}: role {role!r} is not declared under roles")
        return self

    def _referenced_roles(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for i, rule in enumerate(self.approval_matrix.rules):
            where = f"approval_matrix.rules[{i}]"
            for j, tier in enumerate(rule.tiers):
                found += [(f"{where}.tiers[{j}].chain", level.role) for level in tier.chain]
            if rule.escalation_role:
                found.append((f"{where}.escalation_role", rule.escalation_role))
        for i, guard in enumerate(self.guardrails):
            found += [
                (f"guardrails[{i}].approvers", role) for role in approver_names(guard.approvers)
            ]
        found += [
            ("evaluation.fallback_approvers", role)
            for role in approver_names(self.evaluation.fallback_approvers)
        ]
        return found


def approver_names(approvers: str | list[str] | None) -> list[str]:
    """The roles (or ``matrix``) that ``approvers`` lists, in order."""
    if approvers is None:
        return []
    return [approvers] if isinstance(approvers, str) else list(approvers)


def resolve_levels(specs: list[LevelSpec], default_sla_hours: float) -> list[ApprovalLevel]:
    """Chain entries with every SLA filled in."""
    return [
        ApprovalLevel(role=spec.role, sla_hours=spec.sla_hours or default_sla_hours)
        for spec in specs
    ]


__all__ = [
    "ANY_CATEGORY",
    "DEFAULT_MANDATE",
    "MATRIX",
    "ApprovalMatrix",
    "Evaluation",
    "Guardrail",
    "LevelSpec",
    "Mandate",
    "MatrixInputs",
    "MatrixRule",
    "Outcome",
    "PolicyDocument",
    "Strategy",
    "Tier",
    "approver_names",
    "resolve_levels",
]
