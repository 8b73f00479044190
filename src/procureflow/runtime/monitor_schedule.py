"""The monitors and the notification pass as scheduled durable workflows (DBOS cron).

One workflow, ``procureflow.monitor``, runs whatever its schedule's context names: a
monitor, or ``notifications``. DBOS gives each firing the id ``sched-<name>-<time>``, so
with many workers a tick runs once, and a worker that dies mid-run has it recovered.
The monitor itself is one durable step: everything it does is keyed (stage keys, hold
keys, notification ids), so a step retried after a crash does nothing twice.

Schedules come from :data:`DEFAULT_SCHEDULES` overridden by the ``monitor_schedules``
setting (``"off"`` disables one) and are applied with ``DBOS.apply_schedules``, which
creates or replaces them (``create_schedule`` refuses a name that exists).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dbos import DBOS
from dbos import error as dbos_error

from procureflow.config import Settings
from procureflow.errors import ConfigError
from procureflow.runtime import services as runtime_services

SCHEDULE_PREFIX = "procureflow-monitor-"

DEFAULT_SCHEDULES: dict[str, str] = {
    "certificates": "0 0 5 * * *",
    "milestones": "0 0 * * * *",
    "invoice_accuracy": "0 15 5 * * *",
    "approvals": "0 */5 * * * *",
    "supplier_risk": "0 */10 * * * *",
    "notifications": "*/30 * * * * *",
}
"""Cron with seconds: certificates daily, milestones hourly, approvals every 5 minutes,
notifications every 30 seconds."""


def schedules(settings: Settings) -> dict[str, str]:
    """The cron of every enabled job, defaults overridden by the settings."""
    unknown = set(settings.monitor_schedules) - set(DEFAULT_SCHEDULES)
    if unknown:
        raise ConfigError(
            f"monitor_schedules names unknown job {sorted(unknown)[0]!r}: "
            f"use {', '.join(DEFAULT_SCHEDULES)}"
        )
    merged = {**DEFAULT_SCHEDULES, **settings.monitor_schedules}
    return {name: cron for name, cron in merged.items() if cron.strip().lower() != "off"}


@DBOS.workflow(name="procureflow.monitor")
def monitor_workflow(scheduled_at: datetime, job: Any) -> None:
    """Run one monitor (or the notification pass) as of the scheduled time."""
    moment = scheduled_at if scheduled_at.tzinfo else scheduled_at.replace(tzinfo=UTC)
    name = str(job)
    DBOS.run_step({"name": f"monitor:{name}"}, lambda: _run_job(name, moment))


def _run_job(name: str, moment: datetime) -> dict[str, Any]:
    from procureflow.runtime.monitors import run_monitor
    from procureflow.runtime.notifications import notification_pass

    svc = runtime_services.current()
    if name == "notifications":
        return notification_pass(svc, moment)
    run = run_monitor(svc, name, moment)
    return {"run_id": run["id"], "status": run["status"]}


def apply_schedules(settings: Settings) -> dict[str, str]:
    """Create or replace the schedules; remove those switched off. Returns what is active."""
    wanted = schedules(settings)
    try:
        DBOS.apply_schedules(
            [
                {
                    "schedule_name": SCHEDULE_PREFIX + name,
                    "workflow_fn": monitor_workflow,
                    "schedule": cron,
                    "context": name,
                }
                for name, cron in wanted.items()
            ]
        )
    except dbos_error.DBOSException as exc:  # an invalid cron expression in the settings
        raise ConfigError(f"monitor_schedules: {exc}") from None
    for existing in DBOS.list_schedules(schedule_name_prefix=SCHEDULE_PREFIX):
        if existing["schedule_name"].removeprefix(SCHEDULE_PREFIX) not in wanted:
            DBOS.delete_schedule(existing["schedule_name"])
    return wanted


__all__ = ["DEFAULT_SCHEDULES", "apply_schedules", "monitor_workflow", "schedules"]
