"""Writes each task's record and audit entry inside the task's durable step."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from procureflow.adapters.db.instance_store import InstanceStore
from procureflow.runtime.ports import TaskRecord


class StoreObserver:
    """Task observer backed by the instance store (idempotent on instance + key)."""

    def __init__(self, store: InstanceStore, instance_id: str) -> None:
        self.store = store
        self.instance_id = instance_id
        # True until the first task is recorded (the instance may resume after a wait or a
        # restart) and again after each wait: only then can the instance be "waiting".
        self._may_be_waiting = True

    def task_finished(self, record: TaskRecord) -> None:
        """Record a finished task; an instance that was waiting is running again."""
        self.store.record_task(
            instance_id=self.instance_id,
            record=_shallow(record),
            resume_waiting=self._may_be_waiting,
        )
        self._may_be_waiting = False

    def task_waiting(self, record: TaskRecord) -> None:
        """Mark the instance as waiting (shown on the dashboard and in ``instances list``)."""
        self._may_be_waiting = True
        self.store.set_status(self.instance_id, "waiting")
        self.store.audit.record(
            stream=f"instance:{self.instance_id}",
            kind="task.waiting",
            actor="runtime",
            subject=record.pointer,
            payload={"key": record.key, "name": record.name, "type": record.type},
        )


def _shallow(record: TaskRecord) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies the task's input and output for nothing.
    return {f.name: getattr(record, f.name) for f in fields(record)}


__all__ = ["StoreObserver"]
