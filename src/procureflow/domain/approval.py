"""Approval binding rules: what a decision must quote, who may decide, when it escalates.

An approval request is bound to the SHA-256 digest of the exact action it asks a person
to approve (:func:`action_digest`). The rules a decision must pass, in the order they are
checked by :func:`check_decision`:

1. **Still open.** Only a ``pending`` request can be decided; an approved, rejected,
   expired or cancelled one answers :class:`~procureflow.errors.Conflict`.
2. **Same action.** The decision quotes the digest the approver saw; if the action has
   changed since (a re-planned recovery, a new price), the quoted digest is stale and the
   decision is refused with :class:`~procureflow.errors.StaleApproval`.
3. **Segregation of duties.** The person who requested the action can never decide it
   (:class:`~procureflow.errors.SegregationOfDuties`), whatever roles they hold.
4. **Authority.** The approver must hold the role of the request's *current* level
   (:class:`~procureflow.errors.Forbidden` otherwise).

The chain is an escalation ladder: the request starts with the first level's role and
that role alone decides it. When the level's SLA passes without a decision,
:func:`escalate` moves the request to the next level (a role with more authority, usually
the matrix rule's escalation role last). After the last level there is nowhere to go:
the request stays overdue and monitors raise it as an exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from procureflow.domain.canonical import digest
from procureflow.domain.clock import as_utc
from procureflow.errors import Conflict, Forbidden, SegregationOfDuties, StaleApproval


class ApprovalStatus(StrEnum):
    """Life cycle of an approval request."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ApprovalLevel(BaseModel):
    """One step of an escalation ladder: who decides, and for how long before it escalates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1, max_length=100)
    sla_hours: float = Field(gt=0, le=24 * 365)


class ApprovalView(BaseModel):
    """What the rules need to know about a stored approval request."""

    model_config = ConfigDict(frozen=True)

    id: str
    digest: str
    requested_by: str
    chain: list[ApprovalLevel] = Field(min_length=1)
    level: int = Field(default=0, ge=0)
    status: ApprovalStatus = ApprovalStatus.PENDING
    due_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def current(self) -> ApprovalLevel:
        """The level the request is waiting on."""
        return self.chain[min(self.level, len(self.chain) - 1)]


class Escalation(BaseModel):
    """Where an overdue request moves: the new level index, its role and its new due time."""

    model_config = ConfigDict(frozen=True)

    level: int
    role: str
    sla_hours: float
    due_at: datetime


def action_digest(action: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``action``: what an approver's decision must quote.

    Key order, white space and Decimal formatting are canonical, so the same action always
    gives the same digest and any change to it (a price, a quantity, a supplier) gives
    another one.
    """
    return digest(dict(action))


def due_at(level: ApprovalLevel, start: datetime) -> datetime:
    """When ``level``'s SLA runs out for a level that became current at ``start``."""
    return as_utc(start) + timedelta(hours=level.sla_hours)


def check_decision(
    approval: ApprovalView,
    approver: str,
    approver_roles: Set[str],
    quoted_digest: str,
    now: datetime,
) -> None:
    """Refuse a decision that breaks a binding rule (see the module docstring); else return.

    A request past its ``expires_at`` (an offer's validity, say) counts as expired even
    before the runtime marks it so. A request merely past its SLA ``due_at`` can still be
    decided by the current level's role: late is better than never.
    """
    if approval.status is not ApprovalStatus.PENDING:
        raise Conflict(
            f"approval {approval.id} is already {approval.status.value}", subject=approval.id
        )
    if approval.expires_at is not None and as_utc(now) >= as_utc(approval.expires_at):
        raise Conflict(
            f"approval {approval.id} expired at {as_utc(approval.expires_at).isoformat()}",
            subject=approval.id,
        )
    if quoted_digest.strip().lower() != approval.digest.lower():
        raise StaleApproval(
            f"approval {approval.id}: the quoted digest {quoted_digest[:12]}… is not the "
            f"current action's digest {approval.digest[:12]}…; review the action again",
            subject=approval.id,
        )
    if approver.strip().casefold() == approval.requested_by.strip().casefold():
        raise SegregationOfDuties(
            f"approval {approval.id}: {approver} requested this action and cannot decide it",
            subject=approval.id,
        )
    required = approval.current.role
    if required not in approver_roles:
        held = ", ".join(sorted(approver_roles)) or "none"
        raise Forbidden(
            f"approval {approval.id}: level {approval.level + 1} needs role {required!r}; "
            f"{approver} holds {held}",
            subject=approval.id,
        )


def escalate(approval: ApprovalView, now: datetime) -> Escalation | None:
    """The next level when the current level's SLA has passed, else ``None``.

    ``None`` also when the request is no longer pending, has no due time, or is already at
    the last level (then it stays overdue: monitors report it).
    """
    if approval.status is not ApprovalStatus.PENDING or approval.due_at is None:
        return None
    moment = as_utc(now)
    if moment < as_utc(approval.due_at):
        return None
    next_index = approval.level + 1
    if next_index >= len(approval.chain):
        return None
    level = approval.chain[next_index]
    return Escalation(
        level=next_index, role=level.role, sla_hours=level.sla_hours, due_at=due_at(level, moment)
    )


def is_overdue(approval: ApprovalView, now: datetime) -> bool:
    """True when a pending request is past its due time (escalated or not)."""
    return (
        approval.status is ApprovalStatus.PENDING
        and approval.due_at is not None
        and as_utc(now) >= as_utc(approval.due_at)
    )


__all__ = [
    "ApprovalLevel",
    "ApprovalStatus",
    "ApprovalView",
    "Escalation",
    "action_digest",
    "check_decision",
    "due_at",
    "escalate",
    "is_overdue",
]
