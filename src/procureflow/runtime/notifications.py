"""Telling people: exceptions to the roles that subscribed, escalations, supplier reminders.

Everything goes through the outbox table first and is delivered by the notification pass
(a scheduled durable workflow), which groups what is due per recipient: a few items go
one by one, many at once go as one digest. A failed attempt is retried with exponential
backoff; after the last attempt the notifications are kept as ``failed`` and an exception
``notification.failed`` tells an administrator, so nothing is lost silently.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Protocol

from procureflow.adapters.db.exception_store import severity_rank
from procureflow.adapters.db.notification_store import NotificationStore, notification_id
from procureflow.adapters.smtp_notifier import DeliveryFailed, SmtpNotifier
from procureflow.adapters.webhook_notifier import WebhookNotifier
from procureflow.domain.clock import utcnow
from procureflow.errors import InvalidInput
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services


class Notifier(Protocol):
    """Delivers one message over one channel; raises DeliveryFailed when it cannot."""

    def send(
        self,
        *,
        target: str,
        subject: str,
        body: str,
        data: Any,
        delivery_id: str,
        secret: str | None = None,
    ) -> None: ...


class NotificationOutbox:
    """Queues notifications and delivers them with retries and digests."""

    def __init__(self, svc: Services, notifiers: dict[str, Notifier] | None = None) -> None:
        self.svc = svc
        self.store = NotificationStore(svc.engine)
        settings = svc.settings
        self.notifiers: dict[str, Notifier] = notifiers or {
            "email": SmtpNotifier(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_sender,
                timeout=settings.webhook_timeout_seconds,
            ),
            "webhook": WebhookNotifier(
                timeout=settings.webhook_timeout_seconds, egress=settings.egress_policy()
            ),
        }
        self.retry_seconds = settings.notification_retry_seconds
        self.max_attempts = settings.notification_max_attempts
        self.digest_threshold = settings.notification_digest_threshold

    def subscribe(self, *, channel: str, target: str, **fields: Any) -> dict[str, Any]:
        """Add a subscription; a webhook URL the egress policy can only refuse (an IP
        literal in a refused range, a metadata name, another scheme) is refused now,
        rather than failing every delivery later."""
        if channel == "webhook":
            problem = self.svc.settings.egress_policy().literal_problem(target)
            if problem is not None:
                raise InvalidInput(
                    f"webhook {target} is refused by the egress policy: {problem}; "
                    "add it to PROCUREFLOW_EGRESS_ALLOW if it is intended",
                    subject="target",
                )
        return self.store.subscribe(channel=channel, target=target, **fields)

    def queue_direct(self, messages: list[dict[str, Any]]) -> int:
        """Queue messages to known addresses (a supplier's contact), once per key.

        Each message has ``key, channel, target, subject, body, payload``.
        """
        return self.store.enqueue(
            [
                {
                    "id": notification_id(m["key"], m["target"]),
                    "channel": m["channel"],
                    "target": m["target"],
                    "role": None,
                    "subject": m["subject"],
                    "payload": {"text": m["body"], "data": m["payload"]},
                }
                for m in messages
            ]
        )

    def queue_for_roles(self, messages: list[dict[str, Any]]) -> int:
        """Queue messages to every subscription of their ``role`` that wants their
        ``severity``. Each message has ``key, role, severity, subject, body, payload``."""
        if not messages:
            return 0
        by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for sub in self.store.subscriptions():
            by_role[sub["role"]].append(sub)
        rows = [
            self._row(m["key"], sub, m["subject"], m["body"], m["payload"])
            for m in messages
            for sub in by_role.get(m["role"], [])
            if severity_rank(m["severity"]) >= severity_rank(sub["min_severity"])
        ]
        return self.store.enqueue(rows)

    def announce_exceptions(self) -> int:
        """Queue a notification per subscriber for each exception not yet announced."""
        pending = self.store.exceptions_to_announce()
        if not pending:
            return 0
        by_role: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for sub in self.store.subscriptions():
            by_role[sub["role"]].append(sub)
        rows = []
        for exc in pending:
            for sub in by_role.get(exc["owner_role"], []):
                if severity_rank(exc["severity"]) < severity_rank(sub["min_severity"]):
                    continue
                data = {
                    "exception_id": exc["id"],
                    "severity": exc["severity"],
                    "reason_code": exc["reason_code"],
                    "subject": {"type": exc["subject_type"], "id": exc["subject_id"]},
                    "title": exc["title"],
                    "owner_role": exc["owner_role"],
                }
                body = (
                    f"[{exc['severity']}] {exc['title']}\n"
                    f"reason {exc['reason_code']}, {exc['subject_type']} {exc['subject_id']}, "
                    f"exception {exc['id']}"
                )
                rows.append(self._row(f"exception:{exc['id']}", sub, exc["title"], body, data))
        return self.store.announce(rows, [exc["id"] for exc in pending])

    @staticmethod
    def _row(
        key: str, sub: dict[str, Any], subject: str, body: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": notification_id(key, f"{sub['id']}:{sub['target']}"),
            "channel": sub["channel"],
            "target": sub["target"],
            "role": sub["role"],
            "subject": subject,
            "payload": {"text": body, "data": data, "subscription": sub["id"]},
        }

    def deliver_due(self, now: datetime | None = None) -> dict[str, int]:
        """Send what is due, grouped per recipient (a digest when many); returns counts."""
        moment = now or utcnow()
        due = self.store.due(moment)
        groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in due:
            groups[(row["channel"], row["target"])].append(row)
        secrets = {s["id"]: s["secret"] for s in self.store.subscriptions()}
        counts = {
            "due": len(due),
            "messages": 0,
            "digests": 0,
            "sent": 0,
            "retrying": 0,
            "failed": 0,
        }
        for (channel, target), rows in groups.items():
            batches = [rows] if len(rows) >= self.digest_threshold else [[r] for r in rows]
            for batch in batches:
                self._deliver(channel, target, batch, secrets, moment, counts)
        return counts

    def _deliver(
        self,
        channel: str,
        target: str,
        batch: list[dict[str, Any]],
        secrets: dict[str, str | None],
        moment: datetime,
        counts: dict[str, int],
    ) -> None:
        ids = [row["id"] for row in batch]
        first = batch[0]
        if len(batch) == 1:
            subject, text = first["subject"], first["payload"].get("text", "")
            data: Any = first["payload"].get("data")
        else:
            subject = f"ProcureFlow digest: {len(batch)} new items"
            text = "\n\n".join(
                f"{n}. {row['subject']}\n{row['payload'].get('text', '')}"
                for n, row in enumerate(batch, 1)
            )
            data = {"digest": True, "items": [row["payload"].get("data") for row in batch]}
            counts["digests"] += 1
        counts["messages"] += 1
        notifier = self.notifiers.get(channel)
        try:
            if notifier is None:
                raise DeliveryFailed(f"no notifier for channel {channel!r}")
            notifier.send(
                target=target,
                subject=subject,
                body=text,
                data=data,
                delivery_id=ids[0] if len(ids) == 1 else f"digest-{ids[0]}-{len(ids)}",
                secret=secrets.get(first["payload"].get("subscription") or ""),
            )
        except DeliveryFailed as exc:
            attempts = max(row["attempts"] for row in batch) + 1
            if attempts >= self.max_attempts:
                self.store.mark_attempt_failed(ids, str(exc), None)
                counts["failed"] += len(ids)
                self._raise_failure(channel, target, batch, attempts, str(exc), moment)
            else:
                wait = self.retry_seconds * 2 ** (attempts - 1)
                self.store.mark_attempt_failed(ids, str(exc), moment + timedelta(seconds=wait))
                counts["retrying"] += len(ids)
            return
        self.store.mark_sent(ids, moment)
        counts["sent"] += len(ids)

    def _raise_failure(
        self,
        channel: str,
        target: str,
        batch: list[dict[str, Any]],
        attempts: int,
        error: str,
        moment: datetime,
    ) -> None:
        exception_queue(self.svc).raise_exception(
            severity="high",
            owner_role="admin",
            reason_code="notification.failed",
            subject_type="notification-target",
            subject_id=f"{channel}:{target}"[:200],
            title=f"{len(batch)} notification(s) to {target} not delivered after {attempts} attempts",
            detail={
                "channel": channel,
                "target": target,
                "attempts": attempts,
                "last_error": error,
                "notifications": [row["id"] for row in batch],
            },
            source="notifications",
            actor="notifications",
            now=moment,
        )


def outbox_of(svc: Services) -> NotificationOutbox:
    """The notification outbox of these services (built once, kept in ``extras``)."""
    found = svc.extras.get("notification_outbox")
    if found is None:
        found = svc.extras["notification_outbox"] = NotificationOutbox(svc)
    return found


def notification_pass(svc: Services, now: datetime | None = None) -> dict[str, int]:
    """Announce new exceptions, then deliver what is due."""
    outbox = outbox_of(svc)
    announced = outbox.announce_exceptions()
    return {"announced": announced, **outbox.deliver_due(now)}


__all__ = ["NotificationOutbox", "Notifier", "notification_pass", "outbox_of"]
