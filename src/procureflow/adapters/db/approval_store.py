"""Approval requests: opened by a playbook's human task, decided by a person.

A decision is checked against the binding rules (``domain.approval``) inside the same
transaction that records it, with the row locked, so two people deciding at once cannot
both win and a decision always quotes the digest that was current when it committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Set
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.tables import approvals
from procureflow.domain.approval import (
    ApprovalLevel,
    ApprovalStatus,
    ApprovalView,
    action_digest,
    check_decision,
    due_at,
    escalate,
)
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import InvalidInput, NotFound


def approval_id_for(instance_id: str, task_key: str) -> str:
    """The stable id of the approval a task opens (the same on every replay)."""
    return "ap-" + hashlib.sha256(f"{instance_id}\x00{task_key}".encode()).hexdigest()[:16]


def _view(row: sa.Row[Any]) -> ApprovalView:
    return ApprovalView(
        id=row.id,
        digest=row.digest,
        requested_by=row.requested_by,
        chain=[ApprovalLevel.model_validate(level) for level in row.chain],
        level=row.level,
        status=ApprovalStatus(row.status),
        due_at=row.due_at,
    )


def approval_json(row: sa.Row[Any]) -> dict[str, Any]:
    """An approval as the CLI and API show it."""
    return {
        "id": row.id,
        "instance_id": row.instance_id,
        "title": row.title,
        "action": row.action,
        "digest": row.digest,
        "reasoning": row.reasoning,
        "requested_by": row.requested_by,
        "chain": row.chain,
        "level": row.level,
        "role": row.role,
        "status": row.status,
        "due_at": row.due_at.isoformat() if row.due_at else None,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "comment": row.comment,
        "created_at": row.created_at.isoformat(),
        "workflow_id": row.workflow_id,
    }


class ApprovalStore:
    """Repository and rules enforcement for approval requests."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    def open(
        self,
        *,
        instance_id: str,
        workflow_id: str,
        task_key: str,
        title: str,
        action: Mapping[str, Any],
        reasoning: Any,
        requested_by: str,
        chain: list[ApprovalLevel],
    ) -> dict[str, Any]:
        """Open the request of one human task (idempotent: a replay finds the same one)."""
        if not chain:
            raise InvalidInput("an approval needs at least one level in its chain")
        approval_id = approval_id_for(instance_id, task_key)
        now = utcnow()
        clean_action = to_jsonable(dict(action))
        with self.engine.begin() as conn:
            inserted = insert_if_absent(
                conn,
                approvals,
                {
                    "id": approval_id,
                    "instance_id": instance_id,
                    "workflow_id": workflow_id,
                    "task_key": task_key,
                    "title": title,
                    "action": clean_action,
                    "digest": action_digest(clean_action),
                    "reasoning": to_jsonable(reasoning),
                    "requested_by": requested_by,
                    "chain": [level.model_dump() for level in chain],
                    "level": 0,
                    "role": chain[0].role,
                    "status": ApprovalStatus.PENDING.value,
                    "due_at": due_at(chain[0], now),
                    "created_at": now,
                },
            )
            if inserted:
                self.audit.append(
                    conn,
                    stream=f"instance:{instance_id}",
                    kind="approval.requested",
                    actor=requested_by,
                    subject=approval_id,
                    payload={
                        "title": title,
                        "digest": action_digest(clean_action),
                        "role": chain[0].role,
                        "chain": [level.model_dump() for level in chain],
                    },
                )
        return self.get(approval_id)

    def get(self, approval_id: str) -> dict[str, Any]:
        """One approval request."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(approvals).where(approvals.c.id == approval_id)).first()
        if row is None:
            raise NotFound(f"no approval {approval_id}", subject=approval_id)
        return approval_json(row)

    def inbox(
        self,
        *,
        status: str | None = None,
        role: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Requests, oldest first (an inbox), optionally by status and current role."""
        query = sa.select(approvals).order_by(approvals.c.created_at, approvals.c.id)
        if status:
            query = query.where(approvals.c.status == status)
        if role:
            query = query.where(approvals.c.role == role)
        with self.engine.connect() as conn:
            return [approval_json(r) for r in conn.execute(query.limit(limit).offset(offset))]

    def count(self, *, status: str | None = None, role: str | None = None) -> int:
        """How many requests match the filters of :meth:`inbox`."""
        query = sa.select(sa.func.count()).select_from(approvals)
        if status:
            query = query.where(approvals.c.status == status)
        if role:
            query = query.where(approvals.c.role == role)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def decide(
        self,
        approval_id: str,
        *,
        approver: str,
        approver_roles: Set[str],
        approve: bool,
        quoted_digest: str,
        comment: str | None = None,
    ) -> dict[str, Any]:
        """Record a decision after checking every binding rule; returns the approval."""
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(approvals).where(approvals.c.id == approval_id).with_for_update()
            ).first()
            if row is None:
                raise NotFound(f"no approval {approval_id}", subject=approval_id)
            check_decision(_view(row), approver, approver_roles, quoted_digest, now)
            status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
            conn.execute(
                approvals.update()
                .where(approvals.c.id == approval_id)
                .values(status=status.value, decided_by=approver, decided_at=now, comment=comment)
            )
            self.audit.append(
                conn,
                stream=f"instance:{row.instance_id}",
                kind=f"approval.{status.value}",
                actor=approver,
                subject=approval_id,
                payload={"digest": row.digest, "role": row.role, "comment": comment},
            )
        return self.get(approval_id)

    def escalate_if_due(self, approval_id: str, now: datetime | None = None) -> dict[str, Any]:
        """Move a request past its SLA to the next level, or expire it after the last one."""
        moment = now or utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(approvals).where(approvals.c.id == approval_id).with_for_update()
            ).first()
            if row is None:
                raise NotFound(f"no approval {approval_id}", subject=approval_id)
            view = _view(row)
            if (
                view.status is not ApprovalStatus.PENDING
                or row.due_at is None
                or moment < row.due_at
            ):
                return approval_json(row)
            step = escalate(view, moment)
            if step is None:
                values: dict[str, Any] = {"status": ApprovalStatus.EXPIRED.value}
                kind, payload = "approval.expired", {"role": row.role}
            else:
                values = {"level": step.level, "role": step.role, "due_at": step.due_at}
                kind = "approval.escalated"
                payload = {"from_role": row.role, "to_role": step.role, "level": step.level}
            conn.execute(approvals.update().where(approvals.c.id == approval_id).values(**values))
            self.audit.append(
                conn,
                stream=f"instance:{row.instance_id}",
                kind=kind,
                actor="runtime",
                subject=approval_id,
                payload=payload,
            )
        return self.get(approval_id)


__all__ = ["ApprovalStore", "approval_id_for", "approval_json"]
