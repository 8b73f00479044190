"""Received CloudEvents (idempotent on source + id) and the subscriptions of waiting instances."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent, insert_ignore
from procureflow.adapters.db.tables import event_deliveries, events, instances, subscriptions
from procureflow.domain.clock import utcnow
from procureflow.domain.cloudevents import parse_time


def event_key(source: str, event_id: str) -> str:
    """The stored id of an event: SHA-256 of its (source, id) pair, fixed length."""
    return hashlib.sha256(f"{source}\x00{event_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Subscription:
    """An instance waiting in a ``listen`` task for events matching ``filters``."""

    id: str
    instance_id: str
    workflow_id: str
    topic: str
    filters: list[dict[str, Any]]


class EventStore:
    """Stores events once and tracks open subscriptions."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    def insert(self, conn: sa.Connection, event: Mapping[str, Any], actor: str) -> str | None:
        """Store ``event`` in ``conn``'s transaction; None when (source, id) was seen before."""
        key = event_key(event["source"], event["id"])
        inserted = insert_if_absent(
            conn,
            events,
            {
                "id": key,
                "source": event["source"],
                "event_id": event["id"],
                "type": event["type"],
                "subject": event.get("subject"),
                "time": parse_time(event["time"]) if event.get("time") else None,
                "envelope": dict(event),
                "received_at": utcnow(),
                "started": [],
            },
        )
        if not inserted:
            return None
        self.audit.append(
            conn,
            stream=f"event:{event['type']}",
            kind="event.received",
            actor=actor,
            subject=key,
            payload={"source": event["source"], "id": event["id"], "type": event["type"]},
        )
        return key

    def set_started(self, conn: sa.Connection, key: str, instance_ids: list[str]) -> None:
        """Remember which instances an event started."""
        conn.execute(events.update().where(events.c.id == key).values(started=instance_ids))

    def by_key(self, key: str) -> dict[str, Any] | None:
        """A stored event by its key, with what it started, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(events).where(events.c.id == key)).first()
        if row is None:
            return None
        return {"key": row.id, "envelope": row.envelope, "started": row.started}

    def claim_for_replay(self, conn: sa.Connection, key: str) -> dict[str, Any] | None:
        """The stored event ``key``, locked in ``conn``'s transaction so that two replays
        cannot both start its playbooks; None when there is no such event."""
        row = conn.execute(sa.select(events).where(events.c.id == key).with_for_update()).first()
        if row is None:
            return None
        return {"key": row.id, "envelope": row.envelope, "started": row.started}

    def record_replay(
        self, conn: sa.Connection, key: str, event_type: str, started: list[str], actor: str
    ) -> None:
        """Remember what a replay started, in the ledger too."""
        self.set_started(conn, key, started)
        self.audit.append(
            conn,
            stream=f"event:{event_type}",
            kind="event.replayed",
            actor=actor,
            subject=key,
            payload={"started": started},
        )

    def get(self, source: str, event_id: str) -> dict[str, Any] | None:
        """A stored event with what it started, or None."""
        return self.by_key(event_key(source, event_id))

    def recent(
        self, *, type: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Events, newest first."""
        query = sa.select(events).order_by(events.c.received_at.desc(), events.c.id)
        if type:
            query = query.where(events.c.type == type)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [
            {
                "key": r.id,
                "source": r.source,
                "id": r.event_id,
                "type": r.type,
                "subject": r.subject,
                "received_at": r.received_at.isoformat(),
                "started": r.started,
                "envelope": r.envelope,
            }
            for r in rows
        ]

    def count(self, *, type: str | None = None) -> int:
        """How many events match the filter of :meth:`recent`."""
        query = sa.select(sa.func.count()).select_from(events)
        if type:
            query = query.where(events.c.type == type)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # subscriptions -----------------------------------------------------------------
    def subscribe(
        self,
        *,
        instance_id: str,
        workflow_id: str,
        key: str,
        topic: str,
        filters: list[dict[str, Any]],
    ) -> Subscription:
        """Open a subscription (idempotent on instance + key)."""
        sub_id = _subscription_id(instance_id, key)
        with self.engine.begin() as conn:
            conn.execute(
                insert_ignore(
                    conn,
                    subscriptions,
                    {
                        "id": sub_id,
                        "instance_id": instance_id,
                        "workflow_id": workflow_id,
                        "topic": topic,
                        "filters": filters,
                        "created_at": utcnow(),
                    },
                )
            )
        return Subscription(
            id=sub_id,
            instance_id=instance_id,
            workflow_id=workflow_id,
            topic=topic,
            filters=list(filters),
        )

    def unsubscribe(self, *, instance_id: str, key: str) -> None:
        """Close a subscription."""
        sub_id = _subscription_id(instance_id, key)
        with self.engine.begin() as conn:
            conn.execute(
                subscriptions.update()
                .where(subscriptions.c.id == sub_id, subscriptions.c.closed_at.is_(None))
                .values(closed_at=utcnow())
            )

    def claim_delivery(self, key: str, subscription: Subscription) -> bool:
        """Record that event ``key`` goes to ``subscription``; True when it is this
        subscription's to send: the instance had not had it yet, or had it through this
        same subscription (a repeat is harmless: sending is idempotent per subscription)."""
        with self.engine.begin() as conn:
            conn.execute(
                insert_ignore(
                    conn,
                    event_deliveries,
                    {
                        "event_key": key,
                        "instance_id": subscription.instance_id,
                        "subscription_id": subscription.id,
                        "delivered_at": utcnow(),
                    },
                )
            )
            owner = conn.execute(
                sa.select(event_deliveries.c.subscription_id).where(
                    event_deliveries.c.event_key == key,
                    event_deliveries.c.instance_id == subscription.instance_id,
                )
            ).scalar_one()
        return bool(owner == subscription.id)

    def stored_for(
        self, instance_id: str, types: set[str] | None
    ) -> list[tuple[str, dict[str, Any]]]:
        """(key, event) of the events received since the instance was created, oldest
        first (only of ``types`` when given): what a new listen may have missed."""
        created = sa.select(instances.c.created_at).where(instances.c.id == instance_id)
        query = (
            sa.select(events.c.id, events.c.envelope)
            .where(events.c.received_at >= created.scalar_subquery())
            .order_by(events.c.received_at, events.c.id)
        )
        if types is not None:
            query = query.where(events.c.type.in_(sorted(types)))
        with self.engine.connect() as conn:
            return [(row.id, dict(row.envelope)) for row in conn.execute(query)]

    def open_subscriptions(self) -> list[Subscription]:
        """Every subscription still waiting."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(subscriptions).where(subscriptions.c.closed_at.is_(None))
            ).all()
        return [
            Subscription(
                id=r.id,
                instance_id=r.instance_id,
                workflow_id=r.workflow_id,
                topic=r.topic,
                filters=list(r.filters),
            )
            for r in rows
        ]


def _subscription_id(instance_id: str, key: str) -> str:
    return hashlib.sha256(f"{instance_id}\x00{key}".encode()).hexdigest()[:40]


__all__ = ["EventStore", "Subscription", "event_key"]
