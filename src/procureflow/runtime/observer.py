"""Writes each task's record and audit entry inside the task's durable step."""

from __future__ import annotations

from dataclasses import asdict

from procureflow.adapters.db.instance_store import InstanceStore
from procureflow.runtime.ports import TaskRecord


class StoreObserver:
    """Task observer backed by the instance store (idempotent on instance + key)."""

    def __init__(self, store: InstanceStore, instance_id: str) -> None:
        self.store = store
        self.instance_id = instance_id

    def task_finished(self, record: TaskRecord) -> None:
        """Record a finished task; an instance that was waiting is running again."""
        self.store.record_task(instance_id=self.instance_id, record=asdict(record))

    def task_waiting(self, record: TaskRecord) -> None:
        """Mark the instance as waiting (shown on the dashboard and in ``instances list``)."""
        self.store.set_status(self.instance_id, "waiting")
        self.store.audit.record(
            stream=f"instance:{self.instance_id}",
            kind="task.waiting",
            actor="runtime",
            subject=record.pointer,
            payload={"key": record.key, "name": record.name, "type": record.type},
        )


__all__ = ["StoreObserver"]
