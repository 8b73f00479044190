"""A clock-controlled walk across expiry windows and due dates: each exception appears
once, grows more severe as the date nears, clears itself when the condition is gone, and
the actions the rules allow (reminder, payment hold) happen once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.monitors import monitor_store, payment_holds, run_monitor
from procureflow.runtime.notifications import outbox_of
from procureflow.runtime.services import Services
from tests.integration.monitors.conftest import (
    add_milestone,
    at,
    complete_milestone,
    import_suppliers,
    supplier_row,
)

EXPIRY = date(2027, 3, 31)


def _certificate_exceptions(svc: Services) -> list[dict[str, object]]:
    return exception_queue(svc).list(subject_type="certificate", subject_id="SUP-1/ISO 9001")


def test_a_certificate_walks_through_its_windows_to_expiry_and_renewal(svc: Services) -> None:
    import_suppliers(svc, supplier_row("SUP-1", f"ISO 9001@{EXPIRY}", contact="qa@sup1.example"))
    queue = exception_queue(svc)

    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=120)))
    assert _certificate_exceptions(svc) == []

    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=89)))
    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=80)))
    (first,) = _certificate_exceptions(svc)
    assert first["reason_code"] == "certificate.expiring"
    assert first["severity"] == "low" and first["occurrences"] == 2
    assert first["owner_role"] == "category_manager"

    for days in (59, 45, 29, 1):
        run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=days)))
    (same,) = _certificate_exceptions(svc)
    assert same["id"] == first["id"], "one exception across the 90/60/30-day windows"
    assert same["severity"] == "high"
    reminders = [n for n in outbox_of(svc).store.recent() if n["target"] == "qa@sup1.example"]
    assert (
        sorted(n["subject"] for n in reminders)
        == ["Reminder: your ISO 9001 expires on 2027-03-31"] * 2
    ), "one reminder in the 60-day and one in the 30-day window"
    assert payment_holds(svc).active_for("SUP-1") == []

    run_monitor(svc, "certificates", at(EXPIRY + timedelta(days=1)))
    run_monitor(svc, "certificates", at(EXPIRY + timedelta(days=2)))
    rows = {r["reason_code"]: r for r in _certificate_exceptions(svc)}
    assert set(rows) == {"certificate.expiring", "certificate.expired"}
    assert rows["certificate.expiring"]["status"] == "resolved"
    assert rows["certificate.expiring"]["resolved_by"] == "monitor:certificates"
    assert rows["certificate.expired"]["status"] == "open"
    assert rows["certificate.expired"]["severity"] == "critical"
    (hold,) = payment_holds(svc).active_for("SUP-1")
    assert hold["reason_code"] == "certificate.expired"

    import_suppliers(svc, supplier_row("SUP-1", "ISO 9001@2030-03-31"))
    run = run_monitor(svc, "certificates", at(EXPIRY + timedelta(days=3)))
    assert run["actions"]["exceptions_cleared"] == 1
    assert run["actions"]["payment_holds_released"] == 1
    assert payment_holds(svc).active_for("SUP-1") == []
    assert queue.list(status="open", subject_type="certificate") == []
    assert len(_certificate_exceptions(svc)) == 2


def test_a_person_who_resolved_a_window_is_not_asked_again_in_it(svc: Services) -> None:
    import_suppliers(svc, supplier_row("SUP-1", f"ISO 9001@{EXPIRY}"))
    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=85)))
    (raised,) = _certificate_exceptions(svc)
    exception_queue(svc).resolve(raised["id"], "carla", {"note": "renewal audit booked"})
    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=84)))
    assert exception_queue(svc).list(status="open") == []
    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=55)))
    reopened = exception_queue(svc).list(status="open")
    assert len(reopened) == 1 and reopened[0]["severity"] == "medium", (
        "the 60-day window asks again"
    )


def test_milestones_due_soon_then_overdue_then_completed(svc: Services) -> None:
    due = date(2027, 6, 15)
    add_milestone(svc, "C-1", "M1", due)
    add_milestone(svc, "C-1", "M2", due + timedelta(days=90))

    def milestone_exceptions() -> list[dict[str, object]]:
        return exception_queue(svc).list(subject_type="milestone")

    run_monitor(svc, "milestones", at(due - timedelta(days=10)))
    assert milestone_exceptions() == []
    run_monitor(svc, "milestones", at(due - timedelta(days=5)))
    run_monitor(svc, "milestones", at(due - timedelta(days=4)))
    (soon,) = milestone_exceptions()
    assert soon["reason_code"] == "milestone.due_soon" and soon["occurrences"] == 2
    assert soon["subject"] == {"type": "milestone", "id": "C-1/M1"}

    run_monitor(svc, "milestones", at(due + timedelta(days=1)))
    rows = {r["reason_code"]: r for r in milestone_exceptions()}
    assert rows["milestone.due_soon"]["status"] == "resolved"
    assert rows["milestone.overdue"]["severity"] == "high"
    run = run_monitor(svc, "milestones", at(due + timedelta(days=40)))
    assert run["looked_at"]["open_milestones"] == 2
    rows = {r["reason_code"]: r for r in milestone_exceptions()}
    assert rows["milestone.overdue"]["severity"] == "critical"
    assert len(milestone_exceptions()) == 2

    complete_milestone(svc, "C-1", "M1", due + timedelta(days=41))
    run_monitor(svc, "milestones", at(due + timedelta(days=42)))
    assert exception_queue(svc).list(status="open", subject_type="milestone") == []
    runs = monitor_store(svc).runs("milestones")
    assert len(runs) == 6 and all(r["status"] == "completed" for r in runs)


def test_a_run_cut_short_before_raising_raises_on_its_retry(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import procureflow.runtime.monitors as monitors

    import_suppliers(svc, supplier_row("SUP-1", f"ISO 9001@{EXPIRY}"))
    real = monitors.raise_many

    def crash(*args: object, **kwargs: object) -> object:
        raise OSError("process killed")

    monkeypatch.setattr(monitors, "raise_many", crash)
    with pytest.raises(OSError):
        run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=50)))
    monkeypatch.setattr(monitors, "raise_many", real)
    run_monitor(svc, "certificates", at(EXPIRY - timedelta(days=50)))
    (raised,) = _certificate_exceptions(svc)
    assert raised["status"] == "open" and raised["occurrences"] == 1
