"""The monitors read through a small port: another source of milestones (another table,
an external project tool) plugs in without touching the monitors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from procureflow.domain.monitoring import CertificateRow, MilestoneRow
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.monitors import monitor_store, run_monitor
from procureflow.runtime.services import Services


class ProjectToolMilestones:
    """Milestones from somewhere else; everything else empty."""

    def __init__(self, rows: list[MilestoneRow]) -> None:
        self.rows = rows
        self.asked: list[date] = []

    def certificates(self) -> tuple[list[CertificateRow], dict[str, int]]:
        return [], {}

    def open_milestones_due_by(self, day: date) -> tuple[list[MilestoneRow], dict[str, int]]:
        self.asked.append(day)
        return [r for r in self.rows if r.due_date <= day], {"project_tool": len(self.rows)}

    def match_counts(self, start: datetime, end: datetime) -> dict[str, tuple[str, int, int]]:
        return {}

    def pending_approvals_due(
        self, moment: datetime
    ) -> tuple[list[tuple[str, str]], dict[str, int]]:
        return [], {}

    def supplier_figures(self) -> dict[str, dict[str, Any]]:
        return {}

    def supplier_imports_after(self, entry_id: int) -> list[dict[str, Any]]:
        return []


def test_another_milestone_source_plugs_in(svc: Services) -> None:
    source = ProjectToolMilestones(
        [
            MilestoneRow("P-9", "kickoff", "Kick-off", date(2027, 3, 1), None, "SUP-1"),
            MilestoneRow("P-9", "handover", "Handover", date(2027, 9, 1), None, "SUP-1"),
        ]
    )
    svc.extras["monitor_sources"] = source
    run = run_monitor(svc, "milestones", datetime(2027, 3, 5, tzinfo=UTC))
    assert source.asked == [date(2027, 3, 12)], "asked up to the due-soon horizon"
    assert run["looked_at"]["project_tool"] == 2
    (raised,) = exception_queue(svc).list()
    assert raised["subject"] == {"type": "milestone", "id": "P-9/kickoff"}
    assert raised["reason_code"] == "milestone.overdue"


class BrokenSource(ProjectToolMilestones):
    def open_milestones_due_by(self, day: date) -> tuple[list[MilestoneRow], dict[str, int]]:
        raise OSError("project tool unreachable")


def test_a_failing_monitor_is_recorded_and_raised_to_an_administrator(svc: Services) -> None:
    svc.extras["monitor_sources"] = BrokenSource([])
    with pytest.raises(OSError, match="unreachable"):
        run_monitor(svc, "milestones", datetime(2027, 3, 5, tzinfo=UTC))
    (run,) = monitor_store(svc).runs("milestones")
    assert run["status"] == "failed" and "project tool unreachable" in run["error"]
    (raised,) = exception_queue(svc).list(reason_code="monitor.failed")
    assert raised["owner_role"] == "admin" and raised["subject"]["id"] == "milestones"
