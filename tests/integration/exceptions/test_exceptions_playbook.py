"""``procureflow.exception`` from a playbook: raise, wait durably, resume on resolution."""

from __future__ import annotations

import time
from typing import Any

from procureflow.runtime.exception_functions import exception_queue, resolve
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for


def _open_exception(runtime: Services, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = exception_queue(runtime).list(status="open")
        if rows:
            return rows[0]
        time.sleep(0.05)
    raise AssertionError("no open exception appeared")


WAITING = playbook(
    "needs-a-person",
    """do:
  - ask:
      call: procureflow.exception
      with:
        severity: high
        owner_role: orchestrator
        reason_code: supplier.declined
        subject: '${ {type: "supplier", id: .supplier} }'
        title: '${ "Supplier " + .supplier + " declined the split" }'
        detail: '${ {po: .po} }'
        wait: true
  - result:
      set:
        by: ${ .resolved_by }
        decision: ${ .resolution.decision }
""",
)


def test_a_resolution_resumes_the_waiting_instance(runtime: Services) -> None:
    instance_id = run(runtime, WAITING, {"supplier": "S-9", "po": "PO-3"})
    wait_for(runtime, instance_id, "waiting")
    found = _open_exception(runtime)
    assert found["subject"] == {"type": "supplier", "id": "S-9"}
    assert found["title"] == "Supplier S-9 declined the split"
    assert found["instance_id"] == instance_id
    assert found["detail"] == {"po": "PO-3"}
    resolve(runtime, found["id"], user="ann", resolution={"decision": "use next best plan"})
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"] == {"by": "ann", "decision": "use next best plan"}


def test_without_wait_the_instance_goes_on_and_repeats_do_not_flood(runtime: Services) -> None:
    source = playbook(
        "reports-a-problem",
        """do:
  - report:
      call: procureflow.exception
      with:
        reason_code: invoice.mismatch
        subject: '${ {type: "invoice", id: .invoice} }'
        title: Invoice does not match
""",
    )
    first = run(runtime, source, {"invoice": "INV-5"})
    second = run(runtime, source, {"invoice": "INV-5"})
    outputs = [wait_for(runtime, i, "completed", "faulted")["output"] for i in (first, second)]
    assert {o["created"] for o in outputs} == {True, False}
    assert outputs[0]["exception_id"] == outputs[1]["exception_id"]
    rows = exception_queue(runtime).list()
    assert len(rows) == 1 and rows[0]["occurrences"] == 2
    assert rows[0]["severity"] == "medium" and rows[0]["owner_role"] == "orchestrator"


def test_a_bad_subject_faults_the_task_with_a_clear_reason(runtime: Services) -> None:
    source = playbook(
        "bad-subject",
        """do:
  - report:
      call: procureflow.exception
      with:
        reason_code: x
        title: y
        subject: supplier-1
""",
    )
    data = wait_for(runtime, run(runtime, source, {}), "completed", "faulted")
    assert data["status"] == "faulted"
    assert "subject" in str(data["error"])
    # nothing opened for the bad subject; only the operators hear of the fault
    opened = exception_queue(runtime).list()
    assert [(e["reason_code"], e["subject"]["id"]) for e in opened] == [
        ("instance_faulted", data["id"])
    ]
