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
        """Open the subscription of a ``listen`` task (idempotent on instance + key)."""
        self.svc.events.subscribe(
            instance_id=instance_id,
            workflow_id=DBOS.workflow_id or instance_id,
            key=key,
            topic=topic,
            filters=filters,
        )

    def unsubscribe(self, instance_id: str, key: str) -> None:
        """Close the subscription once the ``listen`` task is done."""
        self.svc.events.unsubscribe(instance_id=instance_id, key=key)


__all__ = ["DbEventPort"]
