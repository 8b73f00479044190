"""Raising many exceptions at once (a monitor pass), set-based.

One transaction per call: the open exceptions for the given subjects and reasons are
read in chunks, bumped with one executemany, the new ones inserted with another, and the
openings written to the audit ledger as one entry per chunk of 500 (one entry per
exception would triple the statements of a pass that opens thousands).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.bulk import chunks, insert_ignoring
from procureflow.adapters.db.exception_store import AUDIT_STREAM, open_key, severity_rank
from procureflow.adapters.db.tables_exceptions import exceptions
from procureflow.adapters.db.types import JSONValue, UTCDateTime
from procureflow.domain.canonical import to_jsonable


@dataclass(frozen=True, slots=True)
class Raised:
    """The exception a finding landed on, and whether this call opened it."""

    id: str
    created: bool


_BUMP = (
    exceptions.update()
    .where(exceptions.c.id == sa.bindparam("b_id"))
    .values(
        occurrences=exceptions.c.occurrences + 1,
        last_seen=sa.bindparam("b_seen", type_=UTCDateTime()),
        severity=sa.bindparam("b_severity"),
        detail=sa.bindparam("b_detail", type_=JSONValue),
    )
)


def raise_many(
    engine: sa.Engine,
    audit: SqlAuditLog,
    items: Sequence[dict[str, Any]],
    *,
    source: str,
    actor: str,
    now: datetime,
    create: bool = True,
) -> dict[str, Raised]:
    """Open or bump one exception per item; returns them by open key.

    Each item has ``severity, owner_role, reason_code, subject_type, subject_id, title,
    detail``. With ``create`` False only exceptions still open are bumped (a stage a
    person already handled is not reopened).
    """
    by_key: dict[str, dict[str, Any]] = {}
    for item in items:
        severity_rank(item["severity"])
        by_key[open_key(item["subject_type"], item["subject_id"], item["reason_code"])] = item
    result: dict[str, Raised] = {}
    if not by_key:
        return result
    with engine.begin() as conn:
        current: dict[str, Any] = {}
        for part in chunks(list(by_key)):
            for row in conn.execute(
                sa.select(exceptions.c.id, exceptions.c.open_key, exceptions.c.severity).where(
                    exceptions.c.open_key.in_(part)
                )
            ):
                current[row.open_key] = row
        bumps = []
        for key, row in current.items():
            item = by_key[key]
            severity = (
                item["severity"]
                if severity_rank(item["severity"]) > severity_rank(row.severity)
                else row.severity
            )
            bumps.append(
                {
                    "b_id": row.id,
                    "b_seen": now,
                    "b_severity": severity,
                    "b_detail": to_jsonable(item.get("detail") or {}),
                }
            )
            result[key] = Raised(row.id, False)
        for bump_batch in chunks(bumps, 2000):
            conn.execute(_BUMP, list(bump_batch))
        if create:
            fresh: list[dict[str, Any]] = []
            for key, item in by_key.items():
                if key in current:
                    continue
                exception_id = "ex-" + uuid.uuid4().hex[:20]
                fresh.append(
                    {
                        "id": exception_id,
                        "severity": item["severity"],
                        "owner_role": item["owner_role"],
                        "reason_code": item["reason_code"],
                        "subject_type": item["subject_type"],
                        "subject_id": str(item["subject_id"]),
                        "title": str(item["title"])[:500],
                        "detail": to_jsonable(item.get("detail") or {}),
                        "status": "open",
                        "open_key": key,
                        "occurrences": 1,
                        "source": source,
                        "opened_by": actor,
                        "opened_at": now,
                        "last_seen": now,
                    }
                )
                result[key] = Raised(exception_id, True)
            insert_ignoring(conn, exceptions, fresh)
            for batch in chunks(fresh):
                audit.append(
                    conn,
                    stream=AUDIT_STREAM,
                    kind="exceptions.opened",
                    actor=actor,
                    subject=source,
                    payload={
                        "exceptions": [
                            {
                                "id": opened["id"],
                                "reason_code": opened["reason_code"],
                                "subject": f"{opened['subject_type']}:{opened['subject_id']}",
                                "severity": opened["severity"],
                                "owner_role": opened["owner_role"],
                            }
                            for opened in batch
                        ]
                    },
                )
    return result


def open_for_reasons(
    engine: sa.Engine, reason_codes: Sequence[str], source: str | None = None
) -> list[dict[str, Any]]:
    """Open (or acknowledged) exceptions with these reason codes: id, subject, reason."""
    query = sa.select(
        exceptions.c.id,
        exceptions.c.subject_type,
        exceptions.c.subject_id,
        exceptions.c.reason_code,
    ).where(exceptions.c.open_key.is_not(None), exceptions.c.reason_code.in_(list(reason_codes)))
    if source is not None:
        query = query.where(exceptions.c.source == source)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


__all__ = ["Raised", "open_for_reasons", "raise_many"]
