"""From a CloudEvent to running instances: store once, start triggered playbooks,
wake instances waiting for it.

The event and the instances it starts commit in one transaction, so an event is never
stored without its instances nor the other way round; a repeat of (source, id) starts
nothing and answers ``duplicate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from procureflow.adapters.db.event_store import Subscription, event_key
from procureflow.domain.cloudevents import validate_event
from procureflow.errors import Conflict, NotFound
from procureflow.playbooks import event_matches
from procureflow.runtime import launch as launching
from procureflow.runtime.services import Services
from procureflow.runtime.triggers import Trigger, TriggerIndex


@dataclass
class IngestResult:
    """What happened to one event."""

    key: str
    duplicate: bool
    started: list[str] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.key,
            "duplicate": self.duplicate,
            "started": self.started,
            "delivered_to": self.delivered,
        }


class EventDispatcher:
    """Ingests CloudEvents for one process."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        index = svc.extras.get("trigger_index")
        if index is None:
            index = svc.extras["trigger_index"] = TriggerIndex(svc.instances)
        self.triggers: TriggerIndex = index

    def ingest(self, raw: Any, *, actor: str) -> IngestResult:
        """Validate, store, start what the event triggers and deliver it to listeners."""
        event = validate_event(raw)
        matching = self.triggers.matching(event)  # reads: before the write transaction
        with self.svc.engine.begin() as conn:
            key = self.svc.events.insert(conn, event, actor)
            if key is None:
                conn.rollback()
                return IngestResult(
                    key=event_key(event["source"], event["id"]), duplicate=True, started=[]
                )
            started = self._create_instances(conn, matching, event, key, actor)
            self.svc.events.set_started(conn, key, started)
        for instance_id in started:
            launching.launcher(self.svc).launch(instance_id)
        delivered = self.deliver(event, key)
        return IngestResult(key=key, duplicate=False, started=started, delivered=delivered)

    def replay(self, key: str, *, actor: str) -> IngestResult:
        """Start what a stored event triggers, when it started nothing on arrival (it came
        in before its playbook was registered, or the playbook was fixed since).

        An event that started instances is not replayed: that would run them twice.
        """
        stored = self.svc.events.by_key(key)
        if stored is None:
            raise NotFound(f"no stored event {key}", subject=key)
        event = stored["envelope"]
        matching = self.triggers.matching(event)  # reads: before the write transaction
        if not matching:
            raise Conflict(
                f"event {key} ({event['type']}) triggers no registered playbook", subject=key
            )
        with self.svc.engine.begin() as conn:
            claimed = self.svc.events.claim_for_replay(conn, key)
            if claimed is not None and claimed["started"]:
                raise Conflict(
                    f"event {key} already started {', '.join(claimed['started'])}; "
                    "a replay would start them again",
                    subject=key,
                )
            started = self._create_instances(conn, matching, event, key, actor)
            self.svc.events.record_replay(conn, key, event["type"], started, actor)
        for instance_id in started:
            launching.launcher(self.svc).launch(instance_id)
        return IngestResult(key=key, duplicate=False, started=started)

    def _create_instances(
        self, conn: Any, matching: list[Trigger], event: dict[str, Any], key: str, actor: str
    ) -> list[str]:
        started = []
        for trigger in matching:
            instance_id = launching.new_instance_id()
            self.svc.instances.create_instance(
                conn,
                instance_id=instance_id,
                playbook=trigger.playbook,
                input=[event],
                trigger_event=key,
                actor=actor,
            )
            started.append(instance_id)
        return started

    def deliver(self, event: dict[str, Any], key: str) -> list[str]:
        """Send the event to every open subscription it matches; returns instance ids."""
        return [
            sub.instance_id
            for sub in self.svc.events.open_subscriptions()
            if any(event_matches(f, event) for f in sub.filters)
            and deliver_to(self.svc, sub, event, key)
        ]


def deliver_to(svc: Services, sub: Subscription, event: dict[str, Any], key: str) -> bool:
    """Send stored event ``key`` to one subscription, unless another listen of the same
    instance had it already; True when sent. The idempotency key makes a repeat (the
    dispatcher and a new subscription racing, a step run again) arrive once."""
    if not svc.events.claim_delivery(key, sub):
        return False
    launching.launcher(svc).send(
        sub.workflow_id, event, sub.topic, idempotency_key=f"{key}:{sub.id}"
    )
    return True


__all__ = ["EventDispatcher", "IngestResult", "deliver_to"]
