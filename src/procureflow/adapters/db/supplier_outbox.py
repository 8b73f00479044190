"""Messages to suppliers kept in the outbox (``pf_effects``, kind ``message``).

A message is stored once per idempotency key in the caller's transaction and marked
sent (or failed, with the error) once a relay took it. ``keep_effect`` records any other
effect the same way, so a step run again can tell that it already happened.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import insert_if_absent
from procureflow.adapters.db.tables import effects
from procureflow.domain.clock import utcnow

KIND = "message"


def keep_effect(conn: sa.Connection, key: str, kind: str, payload: dict[str, Any]) -> bool:
    """Record one effect under ``key``; True when this call recorded it (False: done before)."""
    return insert_if_absent(
        conn,
        effects,
        {"idempotency_key": key, "kind": kind, "payload": payload, "created_at": utcnow()},
    )


def keep_message(conn: sa.Connection, key: str, payload: dict[str, Any]) -> bool:
    """Store one message under ``key``; True when this call created it."""
    return keep_effect(conn, key, KIND, payload)


def kept_messages(
    engine: sa.Engine, *, keys: list[str] | None = None, prefix: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """``(key, payload)`` of the kept messages with these keys or this key prefix, oldest first."""
    query = sa.select(effects).where(effects.c.kind == KIND)
    if keys is not None:
        query = query.where(effects.c.idempotency_key.in_(keys))
    if prefix is not None:
        query = query.where(effects.c.idempotency_key.startswith(prefix, autoescape=True))
    query = query.order_by(effects.c.created_at, effects.c.idempotency_key)
    with engine.connect() as conn:
        return [(r.idempotency_key, dict(r.payload)) for r in conn.execute(query)]


def update_message(engine: sa.Engine, key: str, payload: dict[str, Any]) -> None:
    """Replace the payload of one kept message (its delivery state)."""
    with engine.begin() as conn:
        conn.execute(
            effects.update().where(effects.c.idempotency_key == key).values(payload=payload)
        )


__all__ = ["KIND", "keep_effect", "keep_message", "kept_messages", "update_message"]
