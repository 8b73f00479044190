"""The exception queue: one open exception per subject and reason, lifecycle with who
and when, and bad input refused with a clear reason."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.exception_store import ExceptionQueue
from procureflow.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def queue(engine: sa.Engine) -> ExceptionQueue:
    return ExceptionQueue(engine, SqlAuditLog(engine))


def _raise(queue: ExceptionQueue, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "severity": "medium",
        "owner_role": "accounts_payable",
        "reason_code": "invoice.mismatch",
        "subject_type": "invoice",
        "subject_id": "INV-1",
        "title": "Invoice INV-1 does not match PO-7",
        "detail": {"difference": "12.50"},
    }
    values.update(overrides)
    return queue.raise_exception(**values)  # type: ignore[arg-type]


def test_repeats_bump_the_open_exception_instead_of_adding_rows(queue: ExceptionQueue) -> None:
    first = _raise(queue)
    again = _raise(queue, severity="high", detail={"difference": "13.00"})
    assert first["created"] is True and again["created"] is False
    assert again["id"] == first["id"]
    assert again["occurrences"] == 2
    assert again["severity"] == "high"
    assert again["detail"] == {"difference": "13.00"}
    assert len(queue.list(status="open")) == 1
    other = _raise(queue, reason_code="invoice.duplicate")
    assert other["id"] != first["id"]
    assert len(queue.list(status="open")) == 2


def test_lifecycle_records_who_and_when_and_a_new_occurrence_reopens(
    queue: ExceptionQueue,
) -> None:
    opened = _raise(queue)
    acked = queue.acknowledge(str(opened["id"]), "ann")
    assert acked["status"] == "acknowledged" and acked["acked_by"] == "ann"
    assert acked["acked_at"] is not None
    assert _raise(queue)["id"] == opened["id"], "an acknowledged exception is still open"
    resolved = queue.resolve(str(opened["id"]), "ben", {"action": "credit note requested"})
    assert resolved["status"] == "resolved" and resolved["resolved_by"] == "ben"
    assert resolved["resolution"] == {"action": "credit note requested"}
    assert resolved["acked_by"] == "ann"
    with pytest.raises(Conflict, match="already resolved by ben"):
        queue.resolve(str(opened["id"]), "carl", {})
    with pytest.raises(Conflict):
        queue.acknowledge(str(opened["id"]), "carl")
    reopened = _raise(queue)
    assert reopened["created"] is True and reopened["id"] != opened["id"]
    kinds = [e.kind for e in queue.audit.entries("exceptions")]
    assert kinds == [
        "exception.opened",
        "exception.acknowledged",
        "exception.resolved",
        "exception.opened",
    ]


def test_list_filters_and_orders_by_urgency(queue: ExceptionQueue) -> None:
    _raise(queue, subject_id="INV-1", severity="low")
    _raise(queue, subject_id="INV-2", severity="critical")
    _raise(queue, subject_id="S-1", subject_type="supplier", owner_role="legal")
    rows = queue.list(status="open", owner_role="accounts_payable")
    assert [r["subject"]["id"] for r in rows] == ["INV-2", "INV-1"]
    assert [r["subject"]["id"] for r in queue.list(owner_role="legal")] == ["S-1"]
    assert len(queue.list(limit=1, offset=1)) == 1


def test_bad_input_names_what_is_wrong_and_writes_nothing(queue: ExceptionQueue) -> None:
    with pytest.raises(InvalidInput, match="unknown severity 'urgent'"):
        _raise(queue, severity="urgent")
    with pytest.raises(InvalidInput, match="owner_role"):
        _raise(queue, owner_role=" ")
    with pytest.raises(InvalidInput, match="unknown status"):
        queue.list(status="closed")
    with pytest.raises(NotFound, match="no exception ex-nope"):
        queue.acknowledge("ex-nope", "ann")
    assert queue.list() == []
