"""What an operator can do to an instance that will not finish by itself: cancel, retry,
resume — each role-checked by its caller, audited here with the person who did it.

- **cancel**: a running, waiting or faulted instance stops for good (its workflow and
  fork branches are cancelled; an open "instance faulted" exception is resolved).
- **retry**: a faulted instance runs again *from the task that failed*. The engine forks
  its workflow at that step: every step before it is replayed from its checkpoint (no
  effect happens twice), the failed one runs for real. The fork gets the id
  ``<instance>.retry-<n>`` and goes on the shared queue, so any worker takes it.
- **resume**: an instance whose workflow the engine stopped (cancelled by an operator,
  or given up after too many crashed recoveries) continues from its last checkpoint;
  one whose workflow was never enqueued is enqueued.

The engine is reached through the process's launcher: the engine itself in a process
that runs it, a client in one that does not (the CLI beside a server).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dbos import DBOS, SetWorkflowID

from procureflow.errors import Conflict, EngineUnavailable
from procureflow.runtime import launch as launching
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services

RETRY_MARK = ".retry-"
FAULT_REASON = "instance_faulted"
FAULT_STEP = "procureflow.fault"
# Engine states from which ``resume`` can continue a workflow.
RESUMABLE = frozenset({"CANCELLED", "ERROR", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"})


class WorkflowControl(Protocol):
    """The part of the engine's admin interface this module needs (the engine class and
    its client both have it)."""

    def cancel_workflow(self, workflow_id: str, *, cancel_children: bool = ...) -> None: ...

    def resume_workflow(self, workflow_id: str, *, queue_name: str | None = ...) -> Any: ...

    def fork_workflow(
        self, workflow_id: str, start_step: int, *, queue_name: str | None = ...
    ) -> Any: ...

    def list_workflow_steps(self, workflow_id: str) -> Sequence[Mapping[str, Any]]: ...

    def list_workflows(self, **filters: Any) -> Sequence[Any]: ...

    def list_queued_workflows(self, **filters: Any) -> Sequence[Any]: ...


def workflow_control(svc: Services) -> WorkflowControl:
    """The engine's admin interface as this process reaches it."""
    from procureflow.runtime.dbos_runtime import engine_running

    found = launching.launcher(svc)
    if isinstance(found, launching.ClientLauncher):
        return found.client  # type: ignore[return-value]
    if not engine_running():
        raise EngineUnavailable("this process runs no workflow engine and has no client")
    return DBOS  # type: ignore[return-value]


def current_workflow(control: WorkflowControl, instance_id: str) -> Any | None:
    """The instance's newest workflow (itself, or its latest retry), or None if the
    instance was never put on the queue."""
    found = control.list_workflows(
        workflow_id_prefix=instance_id,
        has_parent=False,
        sort_desc=True,
        load_input=False,
        load_output=False,
    )
    ours = [
        w
        for w in found
        if w.workflow_id == instance_id or w.workflow_id.startswith(instance_id + RETRY_MARK)
    ]
    return ours[0] if ours else None


def _looks_faulted(output: Any) -> bool:
    # A task step ends in a fault value rather than an exception; a fork branch's
    # result says it did not complete.
    if not isinstance(output, Mapping):
        return False
    return output.get("status") == "faulted" or (
        output.get("completed") is False and output.get("error") is not None
    )


def retry_step(steps: Sequence[Mapping[str, Any]]) -> int:
    """The step a retry starts from: the last task step that faulted (or raised). Steps
    after it are only the fault's own record, so nothing that had succeeded runs twice."""
    for step in sorted(steps, key=lambda s: int(s["function_id"]), reverse=True):
        if step.get("function_name") == FAULT_STEP:
            continue
        if step.get("error") is not None or _looks_faulted(step.get("output")):
            return int(step["function_id"])
    raise Conflict("no failed task to run again: the fault came from the playbook itself")


def report_fault(svc: Services, instance_id: str, playbook: str, error: Mapping[str, Any]) -> None:
    """Put a faulted instance on the exception queue for the operators (once per fault;
    a retry or cancel resolves it)."""
    exception_queue(svc).raise_exception(
        severity="high",
        owner_role="orchestrator",
        reason_code=FAULT_REASON,
        subject_type="instance",
        subject_id=instance_id,
        title=f"Instance of {playbook} stopped: {error.get('title') or 'fault'}",
        detail={"error": dict(error), "actions": ["retry", "cancel"]},
        source="procureflow-runtime",
        actor="procureflow-runtime",
    )


def _resolve_fault_exception(svc: Services, instance_id: str, actor: str, how: str) -> None:
    queue = exception_queue(svc)
    found = queue.find_open("instance", instance_id, FAULT_REASON)
    if found is not None:
        queue.resolve(found["id"], actor, {"action": how})


def cancel(svc: Services, instance_id: str, *, actor: str, reason: str) -> dict[str, Any]:
    """Stop an instance for good."""
    svc.instances.instance_name(instance_id)  # unknown: NotFound before anything else
    control = workflow_control(svc)
    previous = svc.instances.transition(
        instance_id,
        allowed_from={"running", "waiting", "faulted"},
        to="cancelled",
        kind="instance.cancelled",
        actor=actor,
        payload={"reason": reason},
    )
    workflow = current_workflow(control, instance_id)
    if workflow is not None and workflow.status not in {"SUCCESS", "ERROR", "CANCELLED"}:
        control.cancel_workflow(workflow.workflow_id, cancel_children=True)
    _resolve_fault_exception(svc, instance_id, actor, "cancelled")
    return {"id": instance_id, "status": "cancelled", "previous": previous}


def retry(svc: Services, instance_id: str, *, actor: str) -> dict[str, Any]:
    """Run a faulted instance again from its failed task."""
    found = svc.instances.instance(instance_id)["status"]
    if found != "faulted":
        raise Conflict(f"instance {instance_id} is {found}; this needs it faulted")
    control = workflow_control(svc)
    workflow = current_workflow(control, instance_id)
    if workflow is None:
        raise Conflict("the instance never ran; resume it instead", subject=instance_id)
    steps = control.list_workflow_steps(workflow.workflow_id)
    start = retry_step(steps)
    attempt = _retry_number(workflow.workflow_id) + 1
    new_id = f"{instance_id}{RETRY_MARK}{attempt}"
    svc.instances.transition(
        instance_id,
        allowed_from={"faulted"},
        to="running",
        kind="instance.retried",
        actor=actor,
        payload={"from_step": start, "workflow_id": new_id, "replaces": workflow.workflow_id},
    )
    with SetWorkflowID(new_id):
        control.fork_workflow(workflow.workflow_id, start, queue_name=launching.QUEUE_NAME)
    _resolve_fault_exception(svc, instance_id, actor, "retried")
    return {"id": instance_id, "status": "running", "workflow_id": new_id, "from_step": start}


def resume(svc: Services, instance_id: str, *, actor: str) -> dict[str, Any]:
    """Continue an instance the engine stopped, from its last checkpoint."""
    svc.instances.instance_name(instance_id)
    control = workflow_control(svc)
    workflow = current_workflow(control, instance_id)
    if workflow is not None and workflow.status not in RESUMABLE:
        raise Conflict(
            f"its workflow is {workflow.status.lower()}; "
            + ("retry a faulted instance instead" if workflow.status == "SUCCESS" else "")
            + ("it is still going" if workflow.status in {"PENDING", "ENQUEUED"} else ""),
            subject=instance_id,
        )
    svc.instances.transition(
        instance_id,
        allowed_from={"running", "waiting", "cancelled"},
        to="running",
        kind="instance.resumed",
        actor=actor,
        payload={"workflow_id": workflow.workflow_id if workflow else instance_id},
    )
    if workflow is None:
        launching.launcher(svc).launch(instance_id)
    else:
        control.resume_workflow(workflow.workflow_id, queue_name=launching.QUEUE_NAME)
    return {"id": instance_id, "status": "running"}


def _retry_number(workflow_id: str) -> int:
    if RETRY_MARK not in workflow_id:
        return 0
    return int(workflow_id.rsplit(RETRY_MARK, 1)[1])


__all__ = [
    "FAULT_REASON",
    "FAULT_STEP",
    "WorkflowControl",
    "cancel",
    "current_workflow",
    "report_fault",
    "resume",
    "retry",
    "retry_step",
    "workflow_control",
]
