"""Operators' moves on instances that will not finish alone: retry a faulted one from its
failed task, cancel, resume; each audited with the person, each faulted instance on the
exception queue."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from procureflow.errors import Conflict
from procureflow.runtime import instance_control
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.ports import FunctionSpec
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for

FLAKY = playbook(
    "flaky",
    """do:
  - book:
      call: test.book
  - deliver:
      call: test.deliver
      with:
        booked: ${ .booked }
  - done:
      set:
        booked: ${ .booked }
""",
)

WAITING = playbook(
    "waiting",
    """do:
  - pause:
      wait:
        minutes: 30
""",
)


@pytest.fixture
def calls(runtime: Services) -> dict[str, int]:
    """Two custom functions: ``book`` counts its runs; ``deliver`` fails until told."""
    counts = {"book": 0, "deliver": 0, "deliver_works": 0}

    def book(_args: Any, _ctx: Any) -> dict[str, Any]:
        counts["book"] += 1
        return {"booked": counts["book"]}

    def deliver(args: Any, _ctx: Any) -> Any:
        counts["deliver"] += 1
        if not counts["deliver_works"]:
            raise RuntimeError("carrier system unavailable")
        return args

    runtime.functions.add(FunctionSpec(name="test.book", fn=book))
    runtime.functions.add(FunctionSpec(name="test.deliver", fn=deliver))
    return counts


def test_a_faulted_instance_is_on_the_exception_queue_and_retries_from_its_failed_task(
    runtime: Services, calls: dict[str, int]
) -> None:
    instance_id = run(runtime, FLAKY)
    faulted = wait_for(runtime, instance_id, "faulted", "completed")
    assert faulted["status"] == "faulted"
    exception = exception_queue(runtime).find_open("instance", instance_id, "instance_faulted")
    assert exception is not None and exception["owner_role"] == "orchestrator"

    calls["deliver_works"] = 1
    result = instance_control.retry(runtime, instance_id, actor="olivia.ops")
    assert result["workflow_id"] == f"{instance_id}.retry-1"
    done = wait_for(runtime, instance_id, "completed", "faulted")

    assert done["status"] == "completed"
    assert calls["book"] == 1, "the task before the failed one must not run again"
    assert calls["deliver"] == 2
    assert done["output"] == {"booked": 1}
    assert exception_queue(runtime).get(exception["id"])["status"] == "resolved"
    retried = [
        e for e in runtime.audit.entries(f"instance:{instance_id}") if e.kind == "instance.retried"
    ]
    assert [e.actor for e in retried] == ["olivia.ops"]
    assert runtime.audit.verify().ok


def test_retry_refuses_an_instance_that_did_not_fault(runtime: Services) -> None:
    instance_id = run(runtime, WAITING)
    wait_for(runtime, instance_id, "running", "waiting")
    with pytest.raises(Conflict, match="needs it faulted"):
        instance_control.retry(runtime, instance_id, actor="olivia.ops")


def test_cancel_stops_a_waiting_instance_for_good_and_resume_brings_it_back(
    runtime: Services,
) -> None:
    instance_id = run(runtime, WAITING)
    wait_for(runtime, instance_id, "running", "waiting")

    instance_control.cancel(runtime, instance_id, actor="olivia.ops", reason="order withdrawn")
    assert runtime.instances.instance(instance_id)["status"] == "cancelled"
    control = instance_control.workflow_control(runtime)
    workflow = instance_control.current_workflow(control, instance_id)
    assert workflow is not None and workflow.status == "CANCELLED"
    with pytest.raises(Conflict):
        instance_control.cancel(runtime, instance_id, actor="olivia.ops", reason="twice")

    instance_control.resume(runtime, instance_id, actor="olivia.ops")
    wait_for(runtime, instance_id, "running", "waiting")
    workflow = instance_control.current_workflow(control, instance_id)
    assert workflow is not None and workflow.status in {"ENQUEUED", "PENDING"}
    kinds = [
        (e.kind, e.actor, e.payload.get("reason"))
        for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind in {"instance.cancelled", "instance.resumed"}
    ]
    assert kinds == [
        ("instance.cancelled", "olivia.ops", "order withdrawn"),
        ("instance.resumed", "olivia.ops", None),
    ]


def test_the_retry_start_is_the_last_failed_task_step() -> None:
    steps = [
        {"function_id": 1, "function_name": "do/a", "output": {"status": "completed"}},
        {"function_id": 2, "function_name": "do/b", "output": {"status": "faulted"}},
        {"function_id": 3, "function_name": "do/c", "output": {"status": "completed"}},
        {"function_id": 4, "function_name": "do/d", "error": RuntimeError("down")},
        {"function_id": 5, "function_name": "procureflow.fault", "output": None},
    ]
    assert instance_control.retry_step(steps) == 4
    assert instance_control.retry_step(steps[:3]) == 2
    branch = {"function_id": 7, "function_name": "x", "output": {"completed": False, "error": {}}}
    assert instance_control.retry_step([*steps[:1], branch]) == 7
    with pytest.raises(Conflict, match="no failed task"):
        instance_control.retry_step(steps[:1])


class OperationalError(Exception):
    """Named like the database driver's error for a lost connection (the fault's title)."""


def test_a_fault_from_an_unreachable_database_is_retried_by_itself_with_pauses(
    runtime: Services,
) -> None:
    from datetime import timedelta

    from procureflow.domain.clock import utcnow
    from procureflow.runtime.orphans import retry_transient_faults

    outages = {"left": 2, "calls": 0}

    def deliver(args: Any, _ctx: Any) -> Any:
        outages["calls"] += 1
        if outages["left"]:
            outages["left"] -= 1
            raise OperationalError("the database system is shutting down")
        return args

    runtime.functions.add(FunctionSpec(name="test.book", fn=lambda _a, _c: {"booked": 1}))
    runtime.functions.add(FunctionSpec(name="test.deliver", fn=deliver))
    instance_id = run(runtime, FLAKY)
    assert wait_for(runtime, instance_id, "faulted")["error"]["title"] == "OperationalError"

    assert retry_transient_faults(runtime) == [], "not before the first pause"
    assert retry_transient_faults(runtime, now=utcnow() + timedelta(seconds=31)) == [instance_id]
    assert wait_for(runtime, instance_id, "faulted")["status"] == "faulted"  # still down
    assert retry_transient_faults(runtime, now=utcnow() + timedelta(seconds=31)) == []
    assert retry_transient_faults(runtime, now=utcnow() + timedelta(seconds=61)) == [instance_id]
    assert wait_for(runtime, instance_id, "completed", "faulted")["status"] == "completed"
    retried = [
        e.actor
        for e in runtime.audit.entries(f"instance:{instance_id}")
        if e.kind == "instance.retried"
    ]
    assert retried == ["procureflow-runtime", "procureflow-runtime"]


def test_other_faults_and_a_spent_budget_wait_for_a_person(
    runtime: Services, calls: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from procureflow.domain.clock import utcnow
    from procureflow.runtime.orphans import retry_transient_faults

    instance_id = run(runtime, FLAKY)  # faults with RuntimeError: not the database
    wait_for(runtime, instance_id, "faulted")
    assert retry_transient_faults(runtime, now=utcnow() + timedelta(days=1)) == []
    with runtime.engine.begin() as conn:  # as if it had been the database
        conn.execute(
            sa.text("UPDATE pf_instances SET error = :e WHERE id = :i"),
            {"e": '{"title": "OperationalError"}', "i": instance_id},
        )
    monkeypatch.setattr(runtime.settings, "transient_fault_retries", 0)
    assert retry_transient_faults(runtime, now=utcnow() + timedelta(days=1)) == []
    monkeypatch.setattr(runtime.settings, "transient_fault_retries", 1)
    assert retry_transient_faults(runtime, now=utcnow() + timedelta(days=1)) == [instance_id]
