"""The monitors run as scheduled durable workflows, on the configured crons."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from dbos import DBOS

from procureflow.config import Settings
from procureflow.errors import ConfigError
from procureflow.runtime.monitor_schedule import SCHEDULE_PREFIX, apply_schedules, schedules
from procureflow.runtime.monitors import monitor_store
from procureflow.runtime.services import Services


@pytest.fixture
def fast_runtime(settings: Settings, engine: sa.Engine) -> Iterator[Services]:
    """The engine with the approvals monitor every second and the certificates one off."""
    from procureflow.bootstrap import start_runtime, stop_runtime
    from tests.conftest import reset_dbos_tables

    reset_dbos_tables(settings.database_url)
    tuned = settings.model_copy(
        update={"monitor_schedules": {"approvals": "* * * * * *", "certificates": "off"}}
    )
    svc = start_runtime(tuned)
    try:
        yield svc
    finally:
        stop_runtime(svc)


def test_a_scheduled_monitor_runs_by_itself_and_records_its_runs(fast_runtime: Services) -> None:
    names = {s["schedule_name"] for s in DBOS.list_schedules(schedule_name_prefix=SCHEDULE_PREFIX)}
    assert SCHEDULE_PREFIX + "approvals" in names
    assert SCHEDULE_PREFIX + "certificates" not in names, "'off' removes the schedule"
    deadline = time.monotonic() + 20
    runs: list[dict[str, object]] = []
    while time.monotonic() < deadline and len(runs) < 2:
        runs = monitor_store(fast_runtime).runs("approvals")
        time.sleep(0.2)
    assert len(runs) >= 2, "the approvals monitor ran on its own, more than once"
    assert all(r["status"] == "completed" for r in runs)
    assert runs[0]["looked_at"] == {"pending_approvals": 0, "past_sla": 0}
    apply_schedules(fast_runtime.settings)  # applying again replaces, never raises


def test_a_bad_schedule_setting_is_refused_naming_it() -> None:
    with pytest.raises(ConfigError, match="unknown job 'invoices'"):
        schedules(Settings(monitor_schedules={"invoices": "* * * * * *"}))
    assert "certificates" not in schedules(Settings(monitor_schedules={"certificates": "off"}))
