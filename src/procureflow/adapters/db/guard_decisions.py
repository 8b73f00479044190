"""Recorded guard decisions: written when a guard decides, read back by ``policies simulate``.

One row per (instance, task) — a retried step records nothing twice. Facts are stored in
the JSON form that replays to the same CEL values (``policies.cel.jsonable_facts``); the
caller passes them already in that form, so this module stays free of policy logic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import insert_if_absent
from procureflow.adapters.db.tables import guard_decisions
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import ConfigError


def record_guard_decision(
    conn: sa.Connection,
    *,
    instance_id: str | None,
    task_key: str | None,
    policy: str,
    policy_digest: str,
    facts: Mapping[str, Any],
    outcome: Mapping[str, Any],
    decided_at: datetime | None = None,
) -> bool:
    """Store one guard decision inside ``conn``'s transaction; False when already recorded.

    Idempotent on (instance_id, task_key), so a replayed durable step records it once.
    ``facts`` should be JSON data — workflow data already is; Python facts holding Decimal
    or Money go through ``procureflow.policies.jsonable_facts`` first so they replay alike.
    """
    values = {
        "instance_id": instance_id,
        "task_key": task_key,
        "policy": policy,
        "policy_digest": policy_digest,
        "facts": to_jsonable(dict(facts)),
        "outcome": to_jsonable(dict(outcome)),
        "decided_at": decided_at or utcnow(),
    }
    if instance_id is None or task_key is None:
        conn.execute(guard_decisions.insert().values(**values))
        return True
    return insert_if_absent(conn, guard_decisions, values)


def guard_facts_of(engine: sa.Engine, instance_id: str) -> list[dict[str, Any]]:
    """The facts every guard of ``instance_id`` decided on, oldest first.

    Read by ``procureflow.approval`` to recompute the guard's approval chain from the policy
    instead of trusting a chain the playbook passes along: these rows are written by the
    guard function itself, never by playbook text.
    """
    query = (
        sa.select(guard_decisions.c.facts)
        .where(guard_decisions.c.instance_id == instance_id)
        .order_by(guard_decisions.c.decided_at, guard_decisions.c.id)
    )
    with engine.connect() as conn:
        return [dict(row.facts) for row in conn.execute(query) if isinstance(row.facts, dict)]


def list_guard_decisions(
    engine: sa.Engine,
    *,
    policy: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Recorded decisions, oldest first, as dicts with the fields a replay needs.

    Keys: ``id, instance_id, task_key, policy, policy_digest, facts, outcome, decided_at``.
    """
    query = sa.select(guard_decisions).order_by(guard_decisions.c.decided_at, guard_decisions.c.id)
    if policy is not None:
        query = query.where(guard_decisions.c.policy == policy)
    if since is not None:
        query = query.where(guard_decisions.c.decided_at >= since)
    if limit is not None:
        query = query.limit(limit)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
        reason = " ".join(str(exc.orig).split()) if exc.orig is not None else type(exc).__name__
        raise ConfigError(
            f"cannot read recorded guard decisions ({reason}); "
            "is the database URL right and migrated (procureflow db upgrade)?"
        ) from exc


__all__ = ["guard_facts_of", "list_guard_decisions", "record_guard_decision"]
