"""Starting instances and sending messages: from a running engine or from a client.

Instances go on the durable queue ``procureflow-instances``; any process running the
engine (``serve``, ``worker``, ``demo``, ``playbooks run``) takes them from there, so
API processes and workers share the work on Postgres. A process that only needs to
enqueue or send (``approvals approve``, ``events send``) uses a client and executes
nothing itself.

DBOS refuses to enqueue or send from inside a step, and an ``emit`` runs inside its
task's step, so those calls are made on a fresh thread, outside any workflow context.
That is safe on replay: an instance's workflow id is the instance id (enqueuing it twice
is a no-op) and every message carries an idempotency key.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from dbos import DBOS, DBOSClient, SetWorkflowID

from procureflow.adapters.db.instance_store import PlaybookVersion
from procureflow.errors import ConfigError
from procureflow.runtime.services import Services

T = TypeVar("T")

QUEUE_NAME = "procureflow-instances"
WORKFLOW_NAME = "procureflow.instance"


class Launcher(Protocol):
    """Puts instances to work and delivers messages to waiting ones."""

    def launch(self, instance_id: str) -> None: ...

    def send(self, workflow_id: str, message: Any, topic: str, idempotency_key: str) -> None: ...


def outside_workflow(fn: Callable[[], T]) -> T:
    """Run ``fn`` on a fresh thread when called from a workflow or step, else directly."""
    if DBOS.workflow_id is None:
        return fn()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised on the calling thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="procureflow-outside-workflow")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


class EngineLauncher:
    """For a process that runs the engine: enqueue on the shared queue, send directly."""

    def launch(self, instance_id: str) -> None:
        """Enqueue the instance's workflow (idempotent by instance id)."""
        from procureflow.runtime.workflows import run_instance_workflow

        def enqueue() -> None:
            queue = DBOS.retrieve_queue(QUEUE_NAME)
            if queue is None:
                raise ConfigError(f"the durable queue {QUEUE_NAME!r} is not registered")
            with SetWorkflowID(instance_id):
                queue.enqueue(run_instance_workflow, instance_id)

        outside_workflow(enqueue)

    def send(self, workflow_id: str, message: Any, topic: str, idempotency_key: str) -> None:
        """Deliver a message exactly once."""
        outside_workflow(
            lambda: DBOS.send(workflow_id, message, topic, idempotency_key=idempotency_key)
        )


class ClientLauncher:
    """For a process that only enqueues and sends (CLI commands while a server runs)."""

    def __init__(self, client: DBOSClient) -> None:
        self.client = client

    def launch(self, instance_id: str) -> None:
        """Enqueue the instance for whichever engine process takes it."""
        self.client.enqueue(
            {"queue_name": QUEUE_NAME, "workflow_name": WORKFLOW_NAME, "workflow_id": instance_id},
            instance_id,
        )

    def send(self, workflow_id: str, message: Any, topic: str, idempotency_key: str) -> None:
        """Deliver a message exactly once."""
        self.client.send(workflow_id, message, topic, idempotency_key=idempotency_key)


def launcher(svc: Services) -> Launcher:
    """The launcher this process was set up with."""
    found = svc.extras.get("launcher")
    if found is None:
        found = svc.extras["launcher"] = EngineLauncher()
    return found


def new_instance_id() -> str:
    """A fresh instance id."""
    return f"in-{uuid.uuid4().hex[:20]}"


def start_instance(
    svc: Services,
    playbook: PlaybookVersion,
    input: Any,
    *,
    actor: str,
    instance_id: str | None = None,
) -> str:
    """Create an instance of ``playbook`` with ``input`` and put it to work; returns its id."""
    instance_id = instance_id or new_instance_id()
    with svc.engine.begin() as conn:
        svc.instances.create_instance(
            conn,
            instance_id=instance_id,
            playbook=playbook,
            input=input,
            trigger_event=None,
            actor=actor,
        )
    launcher(svc).launch(instance_id)
    return instance_id


def resume_unstarted(svc: Services) -> list[str]:
    """Enqueue instances recorded as running or waiting whose workflow never started.

    An event commits its instances before their workflows are enqueued; a crash in
    between leaves them here. Enqueuing by instance id is idempotent, so this is safe.
    """
    resumed = []
    for status in ("running", "waiting"):
        for instance_id in svc.instances.instances_with_status(status):
            if DBOS.get_workflow_status(instance_id) is None:
                launcher(svc).launch(instance_id)
                resumed.append(instance_id)
    return resumed


__all__ = [
    "QUEUE_NAME",
    "ClientLauncher",
    "EngineLauncher",
    "Launcher",
    "launcher",
    "new_instance_id",
    "outside_workflow",
    "resume_unstarted",
    "start_instance",
]
