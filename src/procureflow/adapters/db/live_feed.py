"""Read the audit ledger forward from an entry id: the source of the dashboard's live feed.

Every change the dashboard shows (an event received, an instance started, a task run, an
approval requested or decided, an exception opened) is written to the ledger in the same
transaction as the change itself, so tailing the ledger by id misses nothing and needs no
second notification channel; it works the same with many API and worker processes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.tables import audit_entries

# Payload fields small enough to send to every open page; outputs stay behind the API.
_SUMMARY_FIELDS = (
    "key",
    "name",
    "type",
    "status",
    "role",
    "title",
    "playbook",
    "severity",
    "reason_code",
)


def last_entry_id(engine: sa.Engine) -> int:
    """The id of the newest ledger entry (0 when the ledger is empty)."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(audit_entries.c.id))).scalar() or 0)


def entries_after(engine: sa.Engine, after: int, limit: int = 500) -> list[dict[str, Any]]:
    """Ledger entries with an id above ``after``, oldest first, as small summaries."""
    query = (
        sa.select(
            audit_entries.c.id,
            audit_entries.c.stream,
            audit_entries.c.kind,
            audit_entries.c.subject,
            audit_entries.c.actor,
            audit_entries.c.at,
            audit_entries.c.payload,
        )
        .where(audit_entries.c.id > after)
        .order_by(audit_entries.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        out.append(
            {
                "id": row.id,
                "stream": row.stream,
                "kind": row.kind,
                "subject": row.subject,
                "actor": row.actor,
                "at": row.at.isoformat(),
                **{k: payload[k] for k in _SUMMARY_FIELDS if isinstance(payload.get(k), str)},
            }
        )
    return out


__all__ = ["entries_after", "last_entry_id"]
