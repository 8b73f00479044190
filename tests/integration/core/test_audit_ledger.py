"""The ledger on a real database: appends, seals, and tampering found by verify."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables import audit_entries


def _ledger(engine: sa.Engine) -> SqlAuditLog:
    log = SqlAuditLog(engine)
    for i in range(4):
        log.record(stream="instance:a", kind="task.completed", actor="runtime", payload={"i": i})
        log.record(stream="instance:b", kind="task.completed", actor="runtime", payload={"i": i})
    log.seal()
    return log


def test_an_untouched_ledger_verifies(engine: sa.Engine) -> None:
    report = _ledger(engine).verify()
    assert report.ok
    assert report.entries == 8
    assert report.streams == 2
    assert report.seals == 1


def test_a_modified_entry_is_named(engine: sa.Engine) -> None:
    log = _ledger(engine)
    with engine.begin() as conn:
        target = conn.execute(
            sa.select(audit_entries.c.id).where(
                audit_entries.c.stream == "instance:b", audit_entries.c.seq == 2
            )
        ).scalar_one()
        conn.execute(
            audit_entries.update().where(audit_entries.c.id == target).values(payload={"i": 42})
        )
    report = log.verify().to_json()
    assert report["ok"] is False
    assert report["first_problem"]["entry_id"] == target
    assert "modified" in report["first_problem"]["problem"]


def test_a_deleted_entry_is_found(engine: sa.Engine) -> None:
    log = _ledger(engine)
    with engine.begin() as conn:
        conn.execute(
            audit_entries.delete().where(
                audit_entries.c.stream == "instance:a", audit_entries.c.seq == 2
            )
        )
    report = log.verify().to_json()
    assert report["ok"] is False
    assert report["first_problem"]["stream"] == "instance:a"
    assert "deleted" in report["first_problem"]["problem"]


def test_deleting_the_last_entry_of_a_stream_is_found(engine: sa.Engine) -> None:
    log = _ledger(engine)
    with engine.begin() as conn:
        conn.execute(
            audit_entries.delete().where(
                audit_entries.c.stream == "instance:a", audit_entries.c.seq == 4
            )
        )
    report = log.verify()
    assert not report.ok
    assert any("deleted" in p.problem for p in report.problems)


def test_export_writes_one_json_line_per_entry_in_order(engine: sa.Engine) -> None:
    log = _ledger(engine)
    out = io.StringIO()
    assert log.export(out) == 8
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["id"] for e in lines] == sorted(e["id"] for e in lines)
    assert lines[0]["prev_hash"] == "0" * 64
