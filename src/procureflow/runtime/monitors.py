"""Running the monitors: one pass = each monitor once, at a given moment.

For every monitor the runner records a run (what it looked at, found and did), turns the
findings into exceptions — once per stage, bumping the open one on a repeat, never
reopening a stage a person already handled — and resolves the monitor's own open
exceptions whose condition is gone (a renewed certificate, a completed milestone).
The moment is a parameter (``as_of``) so that a pass can be replayed or tested at any
date; the scheduled workflows pass the scheduled time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from procureflow.adapters.db.exception_bulk import open_for_reasons, raise_many
from procureflow.adapters.db.monitor_sources import SqlMonitorSources
from procureflow.adapters.db.monitor_store import MonitorStore
from procureflow.adapters.db.payment_holds import PaymentHolds
from procureflow.domain.clock import utcnow
from procureflow.domain.monitoring import CertificateRow, Finding, MilestoneRow
from procureflow.errors import InvalidInput
from procureflow.policies.monitor_rules import (
    MonitorRules,
    default_monitor_rules,
    load_monitor_rules_file,
)
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.monitor_checks import CHECKS, CheckResult
from procureflow.runtime.notifications import NotificationOutbox, outbox_of
from procureflow.runtime.services import Services

MONITORS = tuple(CHECKS)
"""Monitor names, in the order a pass runs them."""


class MonitorSources(Protocol):
    """What the monitors read; the store's implementation is ``SqlMonitorSources``.

    Another implementation (a different milestone table, an external compliance
    register) goes in ``svc.extras["monitor_sources"]``.
    """

    def certificates(self) -> tuple[list[CertificateRow], dict[str, int]]:
        """Every certificate with an expiry, and counts of what was read."""
        ...

    def open_milestones_due_by(self, day: date) -> tuple[list[MilestoneRow], dict[str, int]]:
        """Open milestones due on or before ``day``, and counts of what was read."""
        ...

    def match_counts(self, start: datetime, end: datetime) -> dict[str, tuple[str, int, int]]:
        """Per supplier key: (name, invoices matched, of them not approved) in the period."""
        ...

    def pending_approvals_due(
        self, moment: datetime
    ) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """(id, role) of pending approvals past their SLA, and counts."""
        ...

    def supplier_figures(self) -> dict[str, dict[str, Any]]:
        """Each supplier's ``name``, ``esg_score`` and ``altman_z`` (Decimals)."""
        ...

    def supplier_imports_after(self, entry_id: int) -> list[dict[str, Any]]:
        """Supplier imports recorded after audit entry ``entry_id`` (with ``entry_id``)."""
        ...


@dataclass
class MonitorContext:
    """What a monitor check works with during one run."""

    svc: Services
    rules: MonitorRules
    as_of: datetime
    run_id: str
    monitors: MonitorStore
    sources: MonitorSources
    holds: PaymentHolds
    outbox: NotificationOutbox


def monitor_rules(svc: Services) -> MonitorRules:
    """The rules in force: set on the services, the configured file, or the shipped ones."""
    found = svc.extras.get("monitor_rules")
    if found is None:
        path = svc.settings.monitor_rules_file
        found = load_monitor_rules_file(path) if path else default_monitor_rules()
        svc.extras["monitor_rules"] = found
    return found


def payment_holds(svc: Services) -> PaymentHolds:
    """The payment holds of these services."""
    found = svc.extras.get("payment_holds")
    if found is None:
        found = svc.extras["payment_holds"] = PaymentHolds(svc.engine, svc.audit)
    return found


def monitor_store(svc: Services) -> MonitorStore:
    """The monitor store of these services."""
    found = svc.extras.get("monitor_store")
    if found is None:
        found = svc.extras["monitor_store"] = MonitorStore(svc.engine)
    return found


def check_names(names: list[str] | None) -> list[str]:
    """The monitors to run; unknown names are refused, naming the known ones."""
    if not names:
        return list(MONITORS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise InvalidInput(
            f"unknown monitor {unknown[0]!r}: use one of {', '.join(MONITORS)}",
            subject="monitor",
        )
    return names


def run_monitor(svc: Services, name: str, as_of: datetime | None = None) -> dict[str, Any]:
    """Run one monitor at ``as_of`` (default now); returns its recorded run."""
    check_names([name])
    moment = as_of or utcnow()
    if moment.tzinfo is None:
        raise InvalidInput("as_of must be an aware UTC time", subject="as_of")
    store = monitor_store(svc)
    run_id = store.start_run(name, moment)
    ctx = MonitorContext(
        svc=svc,
        rules=monitor_rules(svc),
        as_of=moment,
        run_id=run_id,
        monitors=store,
        sources=svc.extras.get("monitor_sources") or SqlMonitorSources(svc.engine),
        holds=payment_holds(svc),
        outbox=outbox_of(svc),
    )
    try:
        result = CHECKS[name](ctx)
        settled = _settle(ctx, name, result)
    except Exception as exc:  # recorded and shown to an administrator, then re-raised
        store.finish_run(run_id, looked_at={}, found={}, actions={}, error=repr(exc)[:2000])
        exception_queue(svc).raise_exception(
            severity="high",
            owner_role="admin",
            reason_code="monitor.failed",
            subject_type="monitor",
            subject_id=name,
            title=f"The {name} monitor failed: {type(exc).__name__}",
            detail={"run_id": run_id, "error": str(exc)[:2000], "as_of": moment.isoformat()},
            source=f"monitor:{name}",
            actor=f"monitor:{name}",
        )
        raise
    return store.finish_run(
        run_id,
        looked_at=result.looked_at,
        found={
            "findings": len(result.findings),
            "by_reason": dict(Counter(f.reason_code for f in result.findings)),
            "examples": [f.title for f in result.findings[:5]],
        },
        actions={**{k: v for k, v in result.actions.items() if v}, **settled},
    )


def run_pass(
    svc: Services, as_of: datetime | None = None, names: list[str] | None = None
) -> list[dict[str, Any]]:
    """Run the monitors (all, or ``names``) once at ``as_of``; returns their runs."""
    moment = as_of or utcnow()
    return [run_monitor(svc, name, moment) for name in check_names(names)]


def _settle(ctx: MonitorContext, monitor: str, result: CheckResult) -> dict[str, int]:
    """Findings → exceptions (once per stage); the monitor's cleared conditions resolved."""
    source = f"monitor:{monitor}"
    by_stage = {f.stage_key: f for f in result.findings}
    # Raise first, record the stage after: a run cut short in between raises again on
    # its retry (which only bumps the open exception), never loses a stage.
    fresh = ctx.monitors.unclaimed(by_stage)
    new = [_item(f) for key, f in by_stage.items() if key in fresh]
    seen = [_item(f) for key, f in by_stage.items() if key not in fresh]
    opened = raise_many(
        ctx.svc.engine, ctx.svc.audit, new, source=source, actor=source, now=ctx.as_of
    )
    bumped = raise_many(
        ctx.svc.engine,
        ctx.svc.audit,
        seen,
        source=source,
        actor=source,
        now=ctx.as_of,
        create=False,
    )
    ctx.monitors.claim(
        monitor,
        ctx.run_id,
        {
            key: {
                "kind": "exception",
                "subject_type": f.subject_type,
                "subject_id": f.subject_id,
                "payload": {"reason_code": f.reason_code, "stage": f.stage},
            }
            for key, f in by_stage.items()
            if key in fresh
        },
    )
    cleared = _clear(ctx, monitor, result)
    return {
        "exceptions_opened": sum(1 for r in opened.values() if r.created),
        "exceptions_bumped": sum(1 for r in opened.values() if not r.created) + len(bumped),
        "exceptions_cleared": cleared,
    }


def _item(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity,
        "owner_role": finding.owner_role,
        "reason_code": finding.reason_code,
        "subject_type": finding.subject_type,
        "subject_id": finding.subject_id,
        "title": finding.title,
        "detail": {**finding.detail, "stage": finding.stage},
    }


def _clear(ctx: MonitorContext, monitor: str, result: CheckResult) -> int:
    """Resolve this monitor's open exceptions that it no longer finds; forget their stages."""
    if not result.reasons:
        return 0
    still = {(f.subject_type, f.subject_id, f.reason_code) for f in result.findings}
    queue = exception_queue(ctx.svc)
    cleared = 0
    for row in open_for_reasons(ctx.svc.engine, result.reasons, source=f"monitor:{monitor}"):
        if (row["subject_type"], row["subject_id"], row["reason_code"]) in still:
            continue
        queue.resolve(
            row["id"],
            f"monitor:{monitor}",
            {"cleared": "the condition no longer holds", "as_of": ctx.as_of.isoformat()},
        )
        cleared += 1
    ctx.monitors.forget_stages(monitor, still, result.reasons)
    return cleared


__all__ = [
    "MONITORS",
    "MonitorContext",
    "MonitorSources",
    "check_names",
    "monitor_rules",
    "monitor_store",
    "payment_holds",
    "run_monitor",
    "run_pass",
]
