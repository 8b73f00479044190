"""The durable workflows: one runs a playbook instance, one runs a fork branch.

DBOS registers them when this module is imported, which must happen before launch.
Neither takes more than ids and JSON: everything else comes from the instance's stored
snapshot (the playbook version it started with) and the process-wide services.
"""

from __future__ import annotations

from typing import Any

from dbos import DBOS
from dbos import error as dbos_error

from procureflow.runtime import services as runtime_services
from procureflow.runtime.durable import retry_transient
from procureflow.runtime.instance_control import FAULT_STEP, report_fault
from procureflow.runtime.interpreter import WorkflowFaulted
from procureflow.runtime.interpreter_factory import build_interpreter
from procureflow.runtime.services import Services


@DBOS.workflow(name="procureflow.instance")
def run_instance_workflow(instance_id: str) -> dict[str, Any]:
    """Run one playbook instance to its end; its status and output go to the store."""
    svc = runtime_services.current()
    snapshot = retry_transient(lambda: svc.instances.snapshot(instance_id))
    interpreter = build_interpreter(svc, instance_id, snapshot.source, snapshot.origin)
    try:
        output = interpreter.run(snapshot.input)
    except WorkflowFaulted as fault:
        return _faulted(svc, instance_id, fault.error)
    except dbos_error.DBOSException:
        raise
    except Exception as exc:  # a defect or an unexpected failure: visible, not silent
        error = {
            "type": "https://serverlessworkflow.io/spec/1.0.0/errors/runtime",
            "status": 500,
            "title": type(exc).__name__,
            "detail": str(exc),
        }
        return _faulted(svc, instance_id, error)
    retry_transient(lambda: svc.instances.set_status(instance_id, "completed", output=output))
    return {"status": "completed", "output": output}


def _faulted(svc: Services, instance_id: str, error: dict[str, Any]) -> dict[str, Any]:
    """Record the fault and put the instance on the operators' exception queue, where
    ``instances retry`` or ``instances cancel`` takes it from."""

    def record() -> None:
        svc.instances.set_status(instance_id, "faulted", error=error)
        report_fault(svc, instance_id, svc.instances.instance_name(instance_id), error)

    DBOS.run_step({"name": FAULT_STEP}, lambda: retry_transient(record))
    return {"status": "faulted", "error": error}


@DBOS.workflow(name="procureflow.branch")
def run_branch_workflow(
    instance_id: str, pointer: str, input: Any, context: Any, key: str
) -> dict[str, Any]:
    """Run one fork branch of an instance (a child workflow, so branches run in parallel)."""
    svc = runtime_services.current()
    snapshot = svc.instances.snapshot(instance_id)
    interpreter = build_interpreter(svc, instance_id, snapshot.source, snapshot.origin)
    try:
        result = interpreter.run_branch(pointer, input, context, key)
    except WorkflowFaulted as fault:
        return {"completed": False, "output": None, "error": fault.error, "context": None}
    return {
        "completed": result.completed,
        "output": result.output,
        "error": result.error,
        "context": result.context,
    }


__all__ = ["run_branch_workflow", "run_instance_workflow"]
