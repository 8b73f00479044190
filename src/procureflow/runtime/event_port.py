"""The EventPort on the store: ``emit`` ingests a CloudEvent like any other event;
``listen`` opens a subscription that the dispatcher routes matching events to."""

from __future__ import annotations

from typing import Any

from dbos import DBOS

from procureflow.runtime.services import Services


class DbEventPort:
    """Events for one instance."""

    def __init__(self, svc: Services, instance_id: str) -> None:
        self.svc = svc
        self.instance_id = instance_id

    def publish(self, event: dict[str, Any]) -> None:
        """Ingest an emitted event: it may start playbooks and wake waiting instances."""
        from procureflow.runtime.dispatch import EventDispatcher

        EventDispatcher(self.svc).ingest(event, actor=f"instance:{self.instance_id}")

    def subscribe(
        self, instance_id: str, key: str, topic: str, filters: list[dict[str, Any]]
    ) -> None:
        """Open the subscription of a ``listen`` task (idempotent on instance + key) and
        deliver the matching events that arrived before it, since the instance started.

        An answer may come in before its listen subscribes (a fast supplier, or a worker
        that crashed between sending a request and subscribing): it is stored, and handed
        over here. The dispatcher may deliver the same event at the same moment; both
        sends carry one idempotency key, so the instance gets it once.
        """
        from procureflow.playbooks import event_matches
        from procureflow.runtime.dispatch import deliver_to

        subscription = self.svc.events.subscribe(
            instance_id=instance_id,
            workflow_id=DBOS.workflow_id or instance_id,
            key=key,
            topic=topic,
            filters=filters,
        )
        for event_key, event in self.svc.events.stored_for(instance_id, _types_of(filters)):
            if any(event_matches(f, event) for f in filters):
                deliver_to(self.svc, subscription, event, event_key)

    def unsubscribe(self, instance_id: str, key: str) -> None:
        """Close the subscription once the ``listen`` task is done."""
        self.svc.events.unsubscribe(instance_id=instance_id, key=key)


def _types_of(filters: list[dict[str, Any]]) -> set[str] | None:
    """The event types the filters can match, or None when one takes any type."""
    types = {f.get("with", {}).get("type") for f in filters}
    if not filters or not all(isinstance(t, str) for t in types):
        return None
    return {str(t) for t in types}


__all__ = ["DbEventPort"]
