"""The five monitors: each reads what it watches, returns its findings, and takes the
actions the rules allow on its own (a reminder, an escalation, a payment hold).

A check never raises exceptions itself: the runner (``runtime.monitors``) turns the
findings into exceptions once per stage and clears the ones whose condition is gone.
Every action is keyed: a message's id comes from its key, so queueing it again is a
no-op, and the key is recorded afterwards; a repeated pass (or a retried step) does it once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procureflow.domain.monitoring import (
    Finding,
    accuracy_verdict,
    expiry_window,
    milestone_state,
    risk_drift,
)

if TYPE_CHECKING:
    from procureflow.runtime.monitors import MonitorContext


@dataclass
class CheckResult:
    """What one monitor looked at, found, and did."""

    looked_at: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    actions: Counter[str] = field(default_factory=Counter)
    reasons: tuple[str, ...] = ()
    """Reason codes this monitor owns: open ones it no longer finds are cleared."""


def check_certificates(ctx: MonitorContext) -> CheckResult:
    """Certificates expiring in the rule's windows (90/60/30 days) or expired."""
    rules = ctx.rules.certificates
    today = ctx.as_of.date()
    rows, counted = ctx.sources.certificates()
    result = CheckResult(
        looked_at={**counted, "certificates": len(rows)},
        reasons=("certificate.expiring", "certificate.expired"),
    )
    windows: Counter[str] = Counter()
    reminders: dict[str, dict[str, Any]] = {}
    expired_suppliers: dict[str, list[str]] = {}
    for row in rows:
        window = expiry_window(row.expiry, today, rules.windows_days)
        if window is None:
            continue
        windows[window] += 1
        subject = f"{row.supplier_id}/{row.certificate}"
        left = (row.expiry - today).days
        detail = {
            "supplier_id": row.supplier_id,
            "certificate": row.certificate,
            "expiry": row.expiry.isoformat(),
            "days_left": left,
            "origin": row.origin,
        }
        if window == "expired":
            expired_suppliers.setdefault(row.supplier_id, []).append(row.certificate)
            title = f"{row.certificate} of {row.supplier_name} expired on {row.expiry}"
            reason = "certificate.expired"
        else:
            title = (
                f"{row.certificate} of {row.supplier_name} expires on {row.expiry} ({left} days)"
            )
            reason = "certificate.expiring"
        result.findings.append(
            Finding(
                "certificate",
                subject,
                reason,
                rules.severity_for(window),
                rules.owner_role,
                title,
                stage=f"{row.expiry.isoformat()}:{window}",
                detail=detail,
            )
        )
        if window != "expired" and int(window) in rules.remind_supplier_days:
            key = f"remind|{subject}|{row.expiry.isoformat()}|{window}"
            reminders[key] = {
                "kind": "reminder",
                "subject_type": "certificate",
                "subject_id": subject,
                "payload": {**detail, "to": row.contact, "supplier_name": row.supplier_name},
            }
    result.looked_at["in_windows"] = dict(windows)
    _send_reminders(ctx, reminders, result)
    _hold_payments(ctx, expired_suppliers, result)
    return result


def _send_reminders(
    ctx: MonitorContext, reminders: dict[str, dict[str, Any]], result: CheckResult
) -> None:
    reachable = {k: v for k, v in reminders.items() if v["payload"]["to"]}
    result.actions["reminders_without_contact"] = len(reminders) - len(reachable)
    fresh = ctx.monitors.unclaimed(reachable)
    messages = []
    for key in sorted(fresh):
        payload = reachable[key]["payload"]
        messages.append(
            {
                "key": key,
                "channel": "email",
                "target": payload["to"],
                "subject": (
                    f"Reminder: your {payload['certificate']} expires on {payload['expiry']}"
                ),
                "body": (
                    f"Dear {payload['supplier_name']},\n\nour records show that your "
                    f"{payload['certificate']} certificate expires on {payload['expiry']} "
                    f"({payload['days_left']} days from now). Please send us the renewed "
                    "certificate before then; payments may be held while it is expired.\n"
                ),
                "payload": payload,
            }
        )
    ctx.outbox.queue_direct(messages)
    ctx.monitors.claim("certificates", ctx.run_id, {k: reachable[k] for k in fresh})
    result.actions["reminders_sent"] += len(messages)


def _hold_payments(ctx: MonitorContext, expired: dict[str, list[str]], result: CheckResult) -> None:
    rules = ctx.rules.certificates
    if rules.hold_payments_when_expired:
        result.actions["payment_holds_placed"] += ctx.holds.place_many(
            "certificate.expired",
            {
                supplier_id: {
                    "certificates": sorted(certificates),
                    "as_of": ctx.as_of.date().isoformat(),
                }
                for supplier_id, certificates in expired.items()
            },
            by="monitor:certificates",
        )
    if rules.release_hold_when_renewed:
        for hold in ctx.holds.list(active=True, reason_code="certificate.expired"):
            if hold["supplier_id"] not in expired:
                ctx.holds.release(
                    hold["supplier_id"], "certificate.expired", by="monitor:certificates"
                )
                result.actions["payment_holds_released"] += 1


def check_milestones(ctx: MonitorContext) -> CheckResult:
    """Milestones due within the rule's days, or overdue, without completion."""
    rules = ctx.rules.milestones
    today = ctx.as_of.date()
    rows, counted = ctx.sources.open_milestones_due_by(today + timedelta(days=rules.due_soon_days))
    result = CheckResult(looked_at=counted, reasons=("milestone.due_soon", "milestone.overdue"))
    states: Counter[str] = Counter()
    for row in rows:
        state = milestone_state(row.due_date, today, rules.due_soon_days)
        if state is None:
            continue
        late = (today - row.due_date).days
        stage = state
        severity = rules.severity.get(state, "medium")
        if state == "overdue" and late > rules.overdue_critical_days:
            stage, severity = "overdue_critical", "critical"
        states[stage] += 1
        when = f"was due {row.due_date} ({late} days ago)" if late > 0 else f"is due {row.due_date}"
        result.findings.append(
            Finding(
                "milestone",
                f"{row.contract_id}/{row.milestone_id}",
                f"milestone.{state}",
                severity,
                rules.owner_role,
                f"Milestone {row.name!r} of contract {row.contract_id} {when}",
                stage=stage,
                detail={
                    "contract_id": row.contract_id,
                    "milestone_id": row.milestone_id,
                    "due_date": row.due_date.isoformat(),
                    "days_late": max(late, 0),
                    "po_number": row.po_number,
                    "supplier_id": row.supplier_id,
                },
            )
        )
    result.looked_at["flagged"] = dict(states)
    return result


def check_invoice_accuracy(ctx: MonitorContext) -> CheckResult:
    """Suppliers whose share of mismatched invoices is above the limit or rising."""
    rules = ctx.rules.invoice_accuracy
    window = timedelta(days=rules.window_days)
    current = ctx.sources.match_counts(ctx.as_of - window, ctx.as_of)
    previous = ctx.sources.match_counts(ctx.as_of - 2 * window, ctx.as_of - window)
    result = CheckResult(
        looked_at={
            "suppliers": len(current),
            "match_results": sum(total for _, total, _ in current.values()),
            "window_days": rules.window_days,
        },
        reasons=("invoice.accuracy",),
    )
    year, week, _ = ctx.as_of.isocalendar()
    for supplier_key, (name, total, bad) in sorted(current.items()):
        _, before_total, before_bad = previous.get(supplier_key, (name, 0, 0))
        verdict = accuracy_verdict(
            total,
            bad,
            before_total,
            before_bad,
            min_invoices=rules.min_invoices,
            max_rate=rules.max_mismatch_rate,
            rising_by=rules.rising_by,
        )
        if verdict is None:
            continue
        result.findings.append(
            Finding(
                "supplier",
                supplier_key,
                "invoice.accuracy",
                rules.severity,
                rules.owner_role,
                f"Invoices of {name}: {'; '.join(verdict.reasons)}",
                stage=f"{year}-W{week:02d}",
                detail={
                    "supplier_name": name,
                    "invoices": total,
                    "mismatched": bad,
                    "rate": str(verdict.rate),
                    "previous_rate": None
                    if verdict.previous_rate is None
                    else str(verdict.previous_rate),
                    "window_days": rules.window_days,
                    "reasons": list(verdict.reasons),
                },
            )
        )
    return result


def check_approvals(ctx: MonitorContext) -> CheckResult:
    """Approvals past their SLA: escalated along their chain, or raised when expired."""
    rules = ctx.rules.approvals
    due, counted = ctx.sources.pending_approvals_due(ctx.as_of)
    result = CheckResult(
        looked_at={**counted, "past_sla": len(due)},
        reasons=("approval.overdue",),  # an expired request stays with a person
    )
    escalations: dict[str, dict[str, Any]] = {}
    notices: dict[str, dict[str, Any]] = {}
    for approval_id, before_role in due:
        if not rules.escalate:
            before = ctx.svc.approvals.get(approval_id)
            result.findings.append(_late_approval(ctx, before, "approval.overdue", "overdue"))
            continue
        after = ctx.svc.approvals.escalate_if_due(approval_id, now=ctx.as_of)
        result.actions["instances_woken"] += _wake(ctx, after)
        if after["status"] == "expired":
            result.actions["approvals_expired"] += 1
            result.findings.append(_late_approval(ctx, after, "approval.expired", "expired"))
            continue
        result.actions["approvals_escalated"] += 1
        key = f"escalate|{approval_id}|{after['level']}"
        escalations[key] = {
            "kind": "escalation",
            "subject_type": "approval",
            "subject_id": approval_id,
            "payload": {"from_role": before_role, "to_role": after["role"]},
        }
        notices[key] = {
            "key": key,
            "role": after["role"],
            "severity": "high",
            "subject": f"Approval escalated to you: {after['title']}",
            "body": (
                f"The approval {approval_id!r} ({after['title']}) passed its SLA with "
                f"{before_role} and now waits for {after['role']}, due {after['due_at']}."
            ),
            "payload": {"approval_id": approval_id, "from_role": before_role, **after},
        }
    fresh = ctx.monitors.unclaimed(escalations)
    if rules.notify_escalated_role:
        result.actions["escalation_notices"] += ctx.outbox.queue_for_roles(
            [notices[key] for key in sorted(fresh)]
        )
    ctx.monitors.claim("approvals", ctx.run_id, {k: escalations[k] for k in fresh})
    return result


def _wake(ctx: MonitorContext, approval: dict[str, Any]) -> int:
    """Tell the instance waiting on an approval that it changed (it re-checks it anyway
    within a minute, so a process without a reachable engine may skip this)."""
    if not approval.get("workflow_id"):
        return 0
    from dbos import error as dbos_error

    from procureflow.runtime.approvals import topic_of
    from procureflow.runtime.launch import launcher

    try:
        launcher(ctx.svc).send(
            approval["workflow_id"],
            {"status": approval["status"], "role": approval["role"]},
            topic_of(approval["id"]),
            idempotency_key=f"monitor:{approval['id']}:{approval['level']}:{approval['status']}",
        )
    except dbos_error.DBOSException:
        return 0
    return 1


def _late_approval(
    ctx: MonitorContext, approval: dict[str, Any], reason: str, stage: str
) -> Finding:
    rules = ctx.rules.approvals
    return Finding(
        "approval",
        approval["id"],
        reason,
        rules.severity_expired,
        rules.owner_role,
        f"Approval {approval['title']!r} got no decision in time ({approval['role']})",
        stage=stage,
        detail={
            "approval_id": approval["id"],
            "instance_id": approval["instance_id"],
            "role": approval["role"],
            "chain": approval["chain"],
            "due_at": approval["due_at"],
        },
    )


def check_supplier_risk(ctx: MonitorContext) -> CheckResult:
    """ESG or financial figures that drifted since the last pass (after a re-import)."""
    rules = ctx.rules.supplier_risk
    remembered = ctx.monitors.state("supplier_risk")
    watermark = int(remembered.pop("_last_import_entry", 0) or 0)
    imports = ctx.sources.supplier_imports_after(watermark)
    figures = ctx.sources.supplier_figures()
    result = CheckResult(
        looked_at={"suppliers": len(figures), "imports_since_last_run": len(imports)},
        reasons=(),
    )
    for supplier_id, now_figures in sorted(figures.items()):
        before = remembered.get(supplier_id)
        if not before:
            continue
        after = {"esg_score": now_figures["esg_score"], "altman_z": now_figures["altman_z"]}
        reasons = risk_drift(
            {k: Decimal(str(v)) for k, v in before.items()},
            after,
            esg_drop=rules.esg_drop,
            esg_floor=rules.esg_floor,
            altman_z_floor=rules.altman_z_floor,
            altman_z_drop=rules.altman_z_drop,
        )
        if reasons:
            result.findings.append(
                Finding(
                    "supplier",
                    supplier_id,
                    "supplier.risk_drift",
                    rules.severity,
                    rules.owner_role,
                    f"Risk of {now_figures['name']} changed: {'; '.join(reasons)}",
                    stage=f"{after['esg_score']}/{after['altman_z']}",
                    detail={
                        "before": before,
                        "after": {k: str(v) for k, v in after.items()},
                        "reasons": reasons,
                        "imports": [i.get("source") for i in imports],
                    },
                )
            )
    snapshot: dict[str, Any] = {
        sid: {"esg_score": str(f["esg_score"]), "altman_z": str(f["altman_z"])}
        for sid, f in figures.items()
        if remembered.get(sid) != {"esg_score": str(f["esg_score"]), "altman_z": str(f["altman_z"])}
    }
    if imports:
        snapshot["_last_import_entry"] = imports[-1]["entry_id"]
    ctx.monitors.remember("supplier_risk", snapshot)
    result.actions["suppliers_snapshotted"] = len(snapshot) - int(bool(imports))
    return result


CHECKS = {
    "certificates": check_certificates,
    "milestones": check_milestones,
    "invoice_accuracy": check_invoice_accuracy,
    "approvals": check_approvals,
    "supplier_risk": check_supplier_risk,
}
"""Every monitor by name, in the order a pass runs them."""

__all__ = ["CHECKS", "CheckResult"]
