"""The notification outbox and per-role subscriptions.

A notification is written here first (its id derived from what it is about, so queueing
it twice is a no-op) and delivered later by the notification pass, which records every
attempt: nothing is lost when a mail server or a webhook endpoint is down.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.bulk import existing, insert_ignoring
from procureflow.adapters.db.exception_store import SEVERITIES
from procureflow.adapters.db.tables_exceptions import (
    exceptions,
    notification_subscriptions,
    notifications,
)
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, InvalidInput, NotFound

CHANNELS = ("email", "webhook")


def notification_id(key: str, target: str) -> str:
    """The stable id of the notification about ``key`` for ``target``."""
    return "nt-" + hashlib.sha256(f"{key}\x00{target}".encode()).hexdigest()[:24]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def notification_json(row: sa.Row[Any]) -> dict[str, Any]:
    """A notification as the CLI and API show it."""
    return {
        "id": row.id,
        "channel": row.channel,
        "target": row.target,
        "role": row.role,
        "subject": row.subject,
        "payload": row.payload,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": _iso(row.next_attempt_at),
        "last_error": row.last_error,
        "created_at": _iso(row.created_at),
        "sent_at": _iso(row.sent_at),
    }


def subscription_json(row: sa.Row[Any]) -> dict[str, Any]:
    """A subscription, its secret never shown."""
    return {
        "id": row.id,
        "role": row.role,
        "channel": row.channel,
        "target": row.target,
        "min_severity": row.min_severity,
        "signed": bool(row.secret),
        "created_by": row.created_by,
        "created_at": _iso(row.created_at),
    }


class NotificationStore:
    """Outbox rows and subscriptions."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def subscribe(
        self,
        *,
        role: str,
        channel: str,
        target: str,
        min_severity: str = "low",
        secret: str | None = None,
        by: str,
    ) -> dict[str, Any]:
        """Send ``role``'s notifications to ``target`` over ``channel``."""
        if channel not in CHANNELS:
            raise InvalidInput(
                f"unknown channel {channel!r}: use email or webhook", subject="channel"
            )
        if min_severity not in SEVERITIES:
            raise InvalidInput(
                f"unknown severity {min_severity!r}: use one of {', '.join(SEVERITIES)}",
                subject="min_severity",
            )
        if channel == "email" and "@" not in target:
            raise InvalidInput(f"{target!r} is not an email address", subject="target")
        if channel == "webhook":
            if not target.startswith(("https://", "http://")):
                raise InvalidInput(f"{target!r} is not an http(s) URL", subject="target")
            if not secret:
                raise InvalidInput(
                    "a webhook subscription needs a secret to sign with", subject="secret"
                )
        if not role.strip():
            raise InvalidInput("a subscription needs a role", subject="role")
        subscription_id = "sb-" + uuid.uuid4().hex[:16]
        with self.engine.begin() as conn:
            clash = conn.execute(
                sa.select(notification_subscriptions.c.id).where(
                    notification_subscriptions.c.role == role,
                    notification_subscriptions.c.channel == channel,
                    notification_subscriptions.c.target == target,
                )
            ).first()
            if clash is not None:
                raise Conflict(
                    f"{role} already sends {channel} to {target} ({clash.id})", subject=clash.id
                )
            conn.execute(
                notification_subscriptions.insert().values(
                    id=subscription_id,
                    role=role,
                    channel=channel,
                    target=target,
                    min_severity=min_severity,
                    secret=secret,
                    created_by=by,
                    created_at=utcnow(),
                )
            )
        return self.subscription(subscription_id)

    def subscription(self, subscription_id: str) -> dict[str, Any]:
        """One subscription."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(notification_subscriptions).where(
                    notification_subscriptions.c.id == subscription_id
                )
            ).first()
        if row is None:
            raise NotFound(f"no subscription {subscription_id}", subject=subscription_id)
        return subscription_json(row)

    def unsubscribe(self, subscription_id: str) -> None:
        """Stop a subscription."""
        self.subscription(subscription_id)
        with self.engine.begin() as conn:
            conn.execute(
                notification_subscriptions.delete().where(
                    notification_subscriptions.c.id == subscription_id
                )
            )

    def subscriptions(self, role: str | None = None) -> list[dict[str, Any]]:
        """Subscriptions (with their secret under ``secret``, for the sender only)."""
        query = sa.select(notification_subscriptions).order_by(
            notification_subscriptions.c.role, notification_subscriptions.c.created_at
        )
        if role:
            query = query.where(notification_subscriptions.c.role == role)
        with self.engine.connect() as conn:
            return [{**subscription_json(r), "secret": r.secret} for r in conn.execute(query)]

    def enqueue(self, rows: Sequence[dict[str, Any]]) -> int:
        """Queue notifications (``id, channel, target, role, subject, payload``); repeats
        (same id) are ignored. Returns how many were new."""
        if not rows:
            return 0
        now = utcnow()
        with self.engine.begin() as conn:
            seen = existing(conn, notifications.c.id, (row["id"] for row in rows))
            fresh = {row["id"]: row for row in rows if row["id"] not in seen}
            insert_ignoring(
                conn,
                notifications,
                [
                    {
                        **row,
                        "payload": to_jsonable(row.get("payload") or {}),
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": row.get("next_attempt_at") or now,
                        "created_at": now,
                    }
                    for row in fresh.values()
                ],
            )
        return len(fresh)

    def due(self, moment: datetime, limit: int = 1000) -> list[dict[str, Any]]:
        """Pending notifications whose next attempt is due, oldest first."""
        query = (
            sa.select(notifications)
            .where(notifications.c.status == "pending", notifications.c.next_attempt_at <= moment)
            .order_by(notifications.c.created_at, notifications.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [notification_json(r) for r in conn.execute(query)]

    def mark_sent(self, ids: Sequence[str], moment: datetime) -> None:
        """Delivered."""
        with self.engine.begin() as conn:
            conn.execute(
                notifications.update()
                .where(notifications.c.id.in_(list(ids)))
                .values(
                    status="sent",
                    sent_at=moment,
                    attempts=notifications.c.attempts + 1,
                    next_attempt_at=None,
                    last_error=None,
                )
            )

    def mark_attempt_failed(
        self, ids: Sequence[str], error: str, next_attempt_at: datetime | None
    ) -> None:
        """An attempt failed: retry at ``next_attempt_at``, or give up (``failed``) when None."""
        with self.engine.begin() as conn:
            conn.execute(
                notifications.update()
                .where(notifications.c.id.in_(list(ids)))
                .values(
                    status="pending" if next_attempt_at else "failed",
                    attempts=notifications.c.attempts + 1,
                    next_attempt_at=next_attempt_at,
                    last_error=error[:2000],
                )
            )

    def retry(self, notification_id: str, moment: datetime) -> dict[str, Any]:
        """Put a failed notification back in the queue (after the endpoint was fixed)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(notifications).where(notifications.c.id == notification_id)
            ).first()
            if row is None:
                raise NotFound(f"no notification {notification_id}", subject=notification_id)
            if row.status != "failed":
                raise Conflict(
                    f"notification {notification_id} is {row.status}, not failed",
                    subject=notification_id,
                )
            conn.execute(
                notifications.update()
                .where(notifications.c.id == notification_id)
                .values(status="pending", attempts=0, next_attempt_at=moment)
            )
        return self.get(notification_id)

    def get(self, notification_id: str) -> dict[str, Any]:
        """One notification."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(notifications).where(notifications.c.id == notification_id)
            ).first()
        if row is None:
            raise NotFound(f"no notification {notification_id}", subject=notification_id)
        return notification_json(row)

    def recent(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Notifications, newest first."""
        query = sa.select(notifications).order_by(notifications.c.created_at.desc()).limit(limit)
        if status:
            query = query.where(notifications.c.status == status)
        with self.engine.connect() as conn:
            return [notification_json(r) for r in conn.execute(query)]

    def exceptions_to_announce(self, limit: int = 5000) -> list[dict[str, Any]]:
        """Open exceptions nobody was told about yet, oldest first."""
        query = (
            sa.select(
                exceptions.c.id,
                exceptions.c.severity,
                exceptions.c.owner_role,
                exceptions.c.reason_code,
                exceptions.c.subject_type,
                exceptions.c.subject_id,
                exceptions.c.title,
                exceptions.c.opened_at,
            )
            .where(exceptions.c.notified_at.is_(None), exceptions.c.status != "resolved")
            .order_by(exceptions.c.opened_at, exceptions.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def announce(self, rows: Sequence[dict[str, Any]], exception_ids: Sequence[str]) -> int:
        """Queue ``rows`` and mark the exceptions announced, in one transaction."""
        queued = self.enqueue(rows)
        now = utcnow()
        with self.engine.begin() as conn:
            for start in range(0, len(exception_ids), 500):
                conn.execute(
                    exceptions.update()
                    .where(exceptions.c.id.in_(list(exception_ids[start : start + 500])))
                    .values(notified_at=now)
                )
        return queued


__all__ = [
    "CHANNELS",
    "NotificationStore",
    "notification_id",
    "notification_json",
    "subscription_json",
]
