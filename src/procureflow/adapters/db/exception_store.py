"""The exception queue: what the platform could not settle within the rules and a person
must look at.

Each exception has a severity, an owner role, a reason code and a subject (supplier, PO,
invoice, instance …). At most one exception per subject and reason is open at a time:
raising it again bumps ``occurrences`` and ``last_seen`` (and the severity, if higher)
instead of adding a row. Lifecycle: open → acknowledged → resolved, each step recording
who and when, in the audit ledger too (stream ``exceptions``). A playbook instance that
waits on an exception is named on it, so resolving it can wake that instance.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.tables_exceptions import exceptions
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, InvalidInput, NotFound

SEVERITIES = ("low", "medium", "high", "critical")
"""Severities, least to most urgent."""

STATUSES = ("open", "acknowledged", "resolved")
AUDIT_STREAM = "exceptions"


def severity_rank(severity: str) -> int:
    """Position of ``severity`` in :data:`SEVERITIES` (higher is more urgent)."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise InvalidInput(
            f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}",
            subject="severity",
        ) from None


def open_key(subject_type: str, subject_id: str, reason_code: str) -> str:
    """The key that is unique among open exceptions."""
    return f"{subject_type}|{subject_id}|{reason_code}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def exception_json(row: sa.Row[Any]) -> dict[str, Any]:
    """An exception as the CLI and the API show it."""
    return {
        "id": row.id,
        "severity": row.severity,
        "owner_role": row.owner_role,
        "reason_code": row.reason_code,
        "subject": {"type": row.subject_type, "id": row.subject_id},
        "title": row.title,
        "detail": row.detail,
        "status": row.status,
        "occurrences": row.occurrences,
        "source": row.source,
        "opened_by": row.opened_by,
        "opened_at": _iso(row.opened_at),
        "last_seen": _iso(row.last_seen),
        "acked_by": row.acked_by,
        "acked_at": _iso(row.acked_at),
        "resolved_by": row.resolved_by,
        "resolved_at": _iso(row.resolved_at),
        "resolution": row.resolution,
        "instance_id": row.instance_id,
        "workflow_id": row.workflow_id,
    }


def _required(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"an exception needs a non-empty {name!r}", subject=name)
    return value.strip()


class ExceptionQueue:
    """Repository and lifecycle of the exception queue."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    def raise_exception(
        self,
        *,
        severity: str,
        owner_role: str,
        reason_code: str,
        subject_type: str,
        subject_id: str,
        title: str,
        detail: Mapping[str, Any] | None = None,
        source: str = "procureflow",
        actor: str = "procureflow",
        instance_id: str | None = None,
        workflow_id: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Open an exception, or bump the open one for the same subject and reason.

        Returns the exception with ``created`` True when this call opened it. A waiting
        instance is recorded on the exception unless one is recorded already.
        """
        rank = severity_rank(severity)
        values = {
            "owner_role": _required("owner_role", owner_role),
            "reason_code": _required("reason_code", reason_code),
            "subject_type": _required("subject_type", subject_type),
            "subject_id": _required("subject_id", str(subject_id)),
            "title": _required("title", title)[:500],
        }
        key = open_key(values["subject_type"], values["subject_id"], values["reason_code"])
        moment = now or utcnow()
        clean_detail = to_jsonable(dict(detail or {}))
        with self.engine.begin() as conn:
            exception_id = "ex-" + uuid.uuid4().hex[:20]
            created = insert_if_absent(
                conn,
                exceptions,
                {
                    "id": exception_id,
                    "severity": severity,
                    **values,
                    "detail": clean_detail,
                    "status": "open",
                    "open_key": key,
                    "occurrences": 1,
                    "source": source,
                    "opened_by": actor,
                    "opened_at": moment,
                    "last_seen": moment,
                    "instance_id": instance_id,
                    "workflow_id": workflow_id,
                },
            )
            if created:
                self.audit.append(
                    conn,
                    stream=AUDIT_STREAM,
                    kind="exception.opened",
                    actor=actor,
                    subject=exception_id,
                    payload={
                        "severity": severity,
                        "owner_role": values["owner_role"],
                        "reason_code": values["reason_code"],
                        "subject": f"{values['subject_type']}:{values['subject_id']}",
                        "instance_id": instance_id,
                    },
                )
            else:
                row = conn.execute(
                    sa.select(exceptions).where(exceptions.c.open_key == key).with_for_update()
                ).one()
                exception_id = row.id
                bump: dict[str, Any] = {
                    "occurrences": row.occurrences + 1,
                    "last_seen": max(moment, row.last_seen),
                    "detail": clean_detail or row.detail,
                }
                if rank > severity_rank(row.severity):
                    bump["severity"] = severity
                if workflow_id and not row.workflow_id:
                    bump["instance_id"] = instance_id
                    bump["workflow_id"] = workflow_id
                conn.execute(
                    exceptions.update().where(exceptions.c.id == exception_id).values(**bump)
                )
        found = self.get(exception_id)
        found["created"] = created
        return found

    def get(self, exception_id: str) -> dict[str, Any]:
        """One exception; NotFound names the id."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(exceptions).where(exceptions.c.id == exception_id)).first()
        if row is None:
            raise NotFound(f"no exception {exception_id}", subject=exception_id)
        return exception_json(row)

    def find_open(
        self, subject_type: str, subject_id: str, reason_code: str
    ) -> dict[str, Any] | None:
        """The open (or acknowledged) exception for this subject and reason, if any."""
        key = open_key(subject_type, subject_id, reason_code)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(exceptions).where(exceptions.c.open_key == key)).first()
        return None if row is None else exception_json(row)

    def list(
        self,
        status: str | None = None,
        owner_role: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        subject_type: str | None = None,
        subject_id: str | None = None,
        reason_code: str | None = None,
    ) -> list[dict[str, Any]]:
        """Exceptions, most urgent then oldest first, optionally filtered."""
        if status is not None and status not in STATUSES:
            raise InvalidInput(
                f"unknown status {status!r}: use one of {', '.join(STATUSES)}", subject="status"
            )
        if limit < 1 or limit > 1000 or offset < 0:
            raise InvalidInput("limit must be 1..1000 and offset not negative", subject="limit")
        urgency = sa.case(
            {name: rank for rank, name in enumerate(SEVERITIES)}, value=exceptions.c.severity
        )
        query = sa.select(exceptions).order_by(
            urgency.desc(), exceptions.c.opened_at, exceptions.c.id
        )
        for column, value in (
            (exceptions.c.status, status),
            (exceptions.c.owner_role, owner_role),
            (exceptions.c.subject_type, subject_type),
            (exceptions.c.subject_id, subject_id),
            (exceptions.c.reason_code, reason_code),
        ):
            if value is not None:
                query = query.where(column == value)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset))
            return [exception_json(r) for r in rows]

    def acknowledge(self, exception_id: str, user: str) -> dict[str, Any]:
        """Someone has seen it and is on it; acknowledging twice changes nothing."""
        with self.engine.begin() as conn:
            row = self._locked(conn, exception_id)
            if row.status == "resolved":
                raise Conflict(
                    f"exception {exception_id} is already resolved by {row.resolved_by}",
                    subject=exception_id,
                )
            if row.status == "open":
                conn.execute(
                    exceptions.update()
                    .where(exceptions.c.id == exception_id)
                    .values(status="acknowledged", acked_by=user, acked_at=utcnow())
                )
                self.audit.append(
                    conn,
                    stream=AUDIT_STREAM,
                    kind="exception.acknowledged",
                    actor=user,
                    subject=exception_id,
                    payload={"reason_code": row.reason_code},
                )
        return self.get(exception_id)

    def resolve(
        self, exception_id: str, user: str, resolution: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Close it with what was decided; a later occurrence opens a fresh exception."""
        clean = to_jsonable(dict(resolution or {}))
        with self.engine.begin() as conn:
            row = self._locked(conn, exception_id)
            if row.status == "resolved":
                raise Conflict(
                    f"exception {exception_id} is already resolved by {row.resolved_by}",
                    subject=exception_id,
                )
            now = utcnow()
            conn.execute(
                exceptions.update()
                .where(exceptions.c.id == exception_id)
                .values(
                    status="resolved",
                    open_key=None,
                    resolved_by=user,
                    resolved_at=now,
                    resolution=clean,
                    acked_by=row.acked_by or user,
                    acked_at=row.acked_at or now,
                )
            )
            self.audit.append(
                conn,
                stream=AUDIT_STREAM,
                kind="exception.resolved",
                actor=user,
                subject=exception_id,
                payload={"reason_code": row.reason_code, "resolution": clean},
            )
        return self.get(exception_id)

    def counts(self) -> dict[str, int]:
        """How many exceptions per status (dashboards, monitor reports)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(exceptions.c.status, sa.func.count()).group_by(exceptions.c.status)
            )
            return {status: int(n) for status, n in rows}

    @staticmethod
    def _locked(conn: sa.Connection, exception_id: str) -> sa.Row[Any]:
        row = conn.execute(
            sa.select(exceptions).where(exceptions.c.id == exception_id).with_for_update()
        ).first()
        if row is None:
            raise NotFound(f"no exception {exception_id}", subject=exception_id)
        return row


__all__ = [
    "SEVERITIES",
    "STATUSES",
    "ExceptionQueue",
    "exception_json",
    "open_key",
    "severity_rank",
]
