"""Instances of a worker that died and never came back: found by heartbeats, handed to a
live worker without duplicates, and reported to the operators.

Every process that runs the engine beats in ``pf_executors`` (see :class:`ExecutorWatch`).
An executor silent for longer than ``executor_silent_after_seconds`` that still owns
pending workflows (running, or waiting for an approval or an answer) gets an exception
on the operators' queue and — with ``executor_auto_recover`` on, or by
``procureflow workers recover --from ID`` — its pending workflows go back on the shared
queue, where any live worker takes them and resumes each from its last checkpoint.

No duplicates: putting a workflow back is one conditional update (still pending, still
owned by the silent executor); the worker that takes it becomes its owner, so a second
recovery of the same executor finds nothing. Only a process that is alive but has not
beaten for the whole threshold could run the same instance twice, which is why the
threshold is several heartbeats long (see docs/deployment.md).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

from dbos import DBOS

from procureflow.adapters.db.executor_store import ExecutorStore
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, InvalidInput
from procureflow.runtime import launch as launching
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.instance_control import retry, workflow_control
from procureflow.runtime.services import Services

logger = logging.getLogger(__name__)

SILENT_REASON = "executor_silent"
RECOVERER = "procureflow-runtime"


def pending_workflows(svc: Services, executor_id: str) -> list[str]:
    """Ids of the workflows ``executor_id`` owns and has not finished."""
    found = workflow_control(svc).list_workflows(
        status="PENDING",
        executor_id=executor_id,
        app_version=svc.settings.application_version,
        load_input=False,
        load_output=False,
    )
    return [w.workflow_id for w in found]


def _system_database(svc: Services) -> Any:
    # The engine has no public call that puts another executor's workflow back on a
    # queue; its recovery does it with this one conditional update.
    control = workflow_control(svc)
    if control is DBOS:  # type: ignore[comparison-overlap]
        from dbos._dbos import _get_dbos_instance

        return _get_dbos_instance()._sys_db
    return control._sys_db  # type: ignore[attr-defined]


def recover(svc: Services, from_executor: str, *, actor: str) -> list[str]:
    """Put every pending workflow of ``from_executor`` back on the shared queue; returns
    the ids moved (audited as ``executor.recovered`` by ``actor``)."""
    if from_executor == svc.settings.executor_id and _beats_here(svc):
        raise InvalidInput("this process is that executor: it resumes its own work")
    sys_db = _system_database(svc)
    moved = [
        workflow_id
        for workflow_id in pending_workflows(svc, from_executor)
        if sys_db.reenqueue_for_recovery(workflow_id, [from_executor], launching.QUEUE_NAME)
    ]
    with svc.engine.begin() as conn:
        svc.audit.append(
            conn,
            stream="executors",
            kind="executor.recovered",
            actor=actor,
            subject=from_executor,
            payload={"workflows": moved},
        )
    return moved


def _beats_here(svc: Services) -> bool:
    watch = svc.extras.get("executor_watch")
    return isinstance(watch, ExecutorWatch) and watch.running


def check_silent(svc: Services) -> list[dict[str, Any]]:
    """Report (and, when set, recover) every silent executor that owns pending work."""
    settings = svc.settings
    store = ExecutorStore(svc.engine)
    after = timedelta(seconds=settings.executor_silent_after_seconds)
    handled = []
    for executor in store.silent(after):
        if executor["id"] == settings.executor_id:
            continue
        pending = pending_workflows(svc, executor["id"])
        if not pending:
            continue
        moved = (
            recover(svc, executor["id"], actor=RECOVERER) if settings.executor_auto_recover else []
        )
        exception_queue(svc).raise_exception(
            severity="high",
            owner_role="orchestrator",
            reason_code=SILENT_REASON,
            subject_type="executor",
            subject_id=executor["id"],
            title=f"Worker {executor['id']} silent since {executor['beat_at']}",
            detail={
                "host": executor["host"],
                "pid": executor["pid"],
                "pending": len(pending),
                "handed_over": len(moved),
                "next": "handed to live workers"
                if moved
                else f"procureflow workers recover --from {executor['id']}",
            },
            source=RECOVERER,
            actor=RECOVERER,
        )
        handled.append({"executor": executor["id"], "pending": pending, "recovered": moved})
    return handled


TRANSIENT_FAULT_TITLES = frozenset({"OperationalError", "InterfaceError", "DisconnectionError"})
FIRST_RETRY_PAUSE_SECONDS = 30.0


def retry_transient_faults(svc: Services, *, now: datetime | None = None) -> list[str]:
    """Retry, from the failed task, instances that faulted only because the database was
    unreachable for longer than a step's own retries: the workflow-level retry. Each is
    retried at most ``transient_fault_retries`` times, after pauses that double (30 s,
    60 s, …), as ``procureflow-runtime`` in the ledger; after that it waits for a person
    on the exception queue."""
    limit = svc.settings.transient_fault_retries
    if not limit:
        return []
    moment = now or utcnow()
    retried = []
    for row in svc.instances.list_instances(status="faulted", limit=200):
        error = row.get("error") or {}
        if error.get("title") not in TRANSIENT_FAULT_TITLES:
            continue
        earlier = [
            e
            for e in svc.audit.entries(f"instance:{row['id']}")
            if e.kind == "instance.retried" and e.actor == RECOVERER
        ]
        if len(earlier) >= limit:
            continue
        pause = FIRST_RETRY_PAUSE_SECONDS * 2 ** len(earlier)
        if moment - datetime.fromisoformat(row["updated_at"]) < timedelta(seconds=pause):
            continue
        try:
            retry(svc, row["id"], actor=RECOVERER)
        except Conflict:  # another process retried it a moment ago
            continue
        retried.append(row["id"])
    return retried


class ExecutorWatch:
    """This process's heartbeat, and the look-out for silent executors."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.store = ExecutorStore(svc.engine)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.running = False

    def start(self) -> None:
        """Beat now, then every ``executor_heartbeat_seconds`` on a daemon thread."""
        self.store.beat(
            self.svc.settings.executor_id,
            host=socket.gethostname(),
            pid=os.getpid(),
            starting=True,
        )
        self.running = True
        self._thread = threading.Thread(
            target=self._run, name="procureflow-executor-watch", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        interval = self.svc.settings.executor_heartbeat_seconds
        while not self._stop.wait(interval):
            try:
                self.store.beat(
                    self.svc.settings.executor_id, host=socket.gethostname(), pid=os.getpid()
                )
                check_silent(self.svc)
                retry_transient_faults(self.svc)
            except Exception:  # a database outage: beat again next time
                logger.warning("executor heartbeat failed", exc_info=True)

    def stop(self) -> None:
        """Stop beating and say so (a clean stop)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.running = False
        try:
            self.store.stopped(self.svc.settings.executor_id)
        except Exception:
            logger.warning("could not record the executor's stop", exc_info=True)


__all__ = [
    "ExecutorWatch",
    "check_silent",
    "pending_workflows",
    "recover",
    "retry_transient_faults",
]
