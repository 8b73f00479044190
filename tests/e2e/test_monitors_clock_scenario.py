"""A quarter of operations on a moving clock, with the durable engine running: every
monitor passes daily; each exception appears once, escalations follow the chain, a
supplier's payments are held while its certificate is expired, and a playbook waiting on
an exception resumes when a person resolves it."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from procureflow.runtime.exception_functions import exception_queue, resolve
from procureflow.runtime.monitors import payment_holds, run_pass
from procureflow.runtime.services import Services
from tests.integration.monitors.conftest import add_milestone, import_suppliers, supplier_row
from tests.integration.runtime.helpers import playbook, run, wait_for

START = date(2027, 1, 1)

APPROVAL = playbook(
    "release-po",
    """do:
  - ask:
      call: procureflow.approval
      with:
        title: Release PO-1
        action: '${ {po: "PO-1"} }'
        requested_by: bob
        amount: {amount: 4500, currency: EUR}
        category: direct-materials
  - done:
      set:
        status: ${ .status }
""",
)

WAITS_FOR_A_PERSON = playbook(
    "vet-supplier",
    """do:
  - ask:
      call: procureflow.exception
      with:
        severity: high
        owner_role: category_manager
        reason_code: supplier.vetting
        subject: '${ {type: "supplier", id: .supplier} }'
        title: Vet the alternative supplier
        wait: true
  - done:
      set:
        decision: ${ .resolution.decision }
""",
)


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, tzinfo=UTC)


def test_a_quarter_on_a_moving_clock(runtime: Services) -> None:
    import_suppliers(
        runtime,
        supplier_row("SUP-1", "ISO 9001@2027-02-15;ISO 14001@2029-01-01"),
        supplier_row("SUP-2", "ISO 9001@2027-03-20"),
    )
    add_milestone(runtime, "C-1", "M1", date(2027, 1, 20))
    add_milestone(runtime, "C-1", "M2", date(2027, 2, 28))
    approval_instance = run(runtime, APPROVAL, {})
    vetting_instance = run(runtime, WAITS_FOR_A_PERSON, {"supplier": "SUP-2"})
    wait_for(runtime, approval_instance, "waiting")
    wait_for(runtime, vetting_instance, "waiting")
    deadline = time.monotonic() + 20
    while not runtime.approvals.inbox(status="pending") and time.monotonic() < deadline:
        time.sleep(0.05)
    (approval,) = runtime.approvals.inbox(status="pending")
    created = datetime.fromisoformat(approval["created_at"])

    roles_seen = []
    day = START
    while day <= START + timedelta(days=90):
        moment = max(_moment(day), created + timedelta(hours=(day - START).days * 24 + 1))
        run_pass(runtime, moment)
        roles_seen.append(runtime.approvals.get(approval["id"])["role"])
        day += timedelta(days=1)

    rows = exception_queue(runtime).list(limit=1000)
    keys = Counter((r["subject"]["type"], r["subject"]["id"], r["reason_code"]) for r in rows)
    assert all(n == 1 for n in keys.values()), f"an exception appeared twice: {keys}"
    assert set(keys) == {
        ("certificate", "SUP-1/ISO 9001", "certificate.expiring"),
        ("certificate", "SUP-1/ISO 9001", "certificate.expired"),
        ("certificate", "SUP-2/ISO 9001", "certificate.expiring"),
        ("certificate", "SUP-2/ISO 9001", "certificate.expired"),
        ("milestone", "C-1/M1", "milestone.due_soon"),
        ("milestone", "C-1/M1", "milestone.overdue"),
        ("milestone", "C-1/M2", "milestone.due_soon"),
        ("milestone", "C-1/M2", "milestone.overdue"),
        ("approval", approval["id"], "approval.expired"),
        ("supplier", "SUP-2", "supplier.vetting"),
    }
    ordered = list(dict.fromkeys(roles_seen))
    assert ordered == ["category_manager", "cfo"], "escalated one level at a time"
    assert wait_for(runtime, approval_instance, "completed")["output"] == {"status": "expired"}
    assert {h["supplier_id"] for h in payment_holds(runtime).list(active=True)} == {
        "SUP-1",
        "SUP-2",
    }

    (vetting,) = exception_queue(runtime).list(reason_code="supplier.vetting")
    resolve(runtime, vetting["id"], user="carla", resolution={"decision": "approved as backup"})
    assert wait_for(runtime, vetting_instance, "completed")["output"] == {
        "decision": "approved as backup"
    }
