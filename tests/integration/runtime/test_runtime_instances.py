"""Playbook instances on the durable engine: tasks as steps, records, audit, snapshots."""

from __future__ import annotations

from typing import Any

from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for

SEQUENCE = """do:
  - first:
      set:
        total: ${ .a + .b }
  - second:
      set:
        total: ${ .total * 10 }
        label: done
"""


def test_an_instance_runs_each_task_once_and_records_it(runtime: Services) -> None:
    instance_id = run(runtime, playbook("sequence", SEQUENCE), {"a": 2, "b": 3})
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["status"] == "completed"
    assert data["output"] == {"total": 50, "label": "done"}
    assert [t["name"] for t in data["tasks"]] == ["first", "second"]
    assert all(t["status"] == "completed" and t["duration_ms"] is not None for t in data["tasks"])
    assert data["tasks"][0]["input"] == {"a": 2, "b": 3}


def test_the_audit_ledger_shows_the_timeline_in_order_and_verifies(runtime: Services) -> None:
    instance_id = run(runtime, playbook("sequence", SEQUENCE), {"a": 1, "b": 1})
    wait_for(runtime, instance_id, "completed")
    kinds = [e.kind for e in runtime.audit.entries(f"instance:{instance_id}")]
    assert kinds == ["instance.started", "task.completed", "task.completed", "instance.completed"]
    assert runtime.audit.verify().ok


def test_a_fault_is_recorded_with_the_dsl_error(runtime: Services) -> None:
    source = playbook(
        "failing",
        """do:
  - fail:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
          status: 400
          title: Bad order
""",
    )
    data = wait_for(runtime, run(runtime, source), "completed", "faulted")
    assert data["status"] == "faulted"
    assert data["error"]["status"] == 400
    assert data["error"]["title"] == "Bad order"


def test_fork_branches_run_as_child_workflows_and_join(runtime: Services) -> None:
    source = playbook(
        "forked",
        """do:
  - both:
      fork:
        branches:
          - left:
              set:
                side: left
          - right:
              set:
                side: right
""",
    )
    data = wait_for(runtime, run(runtime, source), "completed", "faulted")
    assert data["status"] == "completed", data["error"]
    assert sorted(b["side"] for b in data["output"]) == ["left", "right"]


def test_a_running_instance_keeps_the_version_it_started_with(runtime: Services) -> None:
    waiting = """do:
  - hold:
      listen:
        to:
          one:
            with:
              type: test.release
  - answer:
      set:
        version: VERSION
"""
    first = run(runtime, playbook("versioned", waiting.replace("VERSION", "one"), "1.0.0"))
    wait_for(runtime, first, "waiting")
    run(runtime, playbook("versioned", waiting.replace("VERSION", "two"), "2.0.0"))
    from procureflow.runtime.dispatch import EventDispatcher

    EventDispatcher(runtime).ingest(
        {"specversion": "1.0", "id": "r1", "source": "test", "type": "test.release"}, actor="test"
    )
    data: dict[str, Any] = wait_for(runtime, first, "completed", "faulted")
    assert data["output"] == {"version": "one"}
    assert data["version"] == "1.0.0"
