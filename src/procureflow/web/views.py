"""What the pages show, read from instances, task runs and the ledger.

Pure functions over the JSON the stores return, so they are tested without a server:
node states of an instance, the agent timeline, cash-flow and supplier figures, KPIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# ledger kinds of a task run, in the order a node passes through them
TASK_STATES = ("waiting", "running", "completed", "skipped", "faulted", "cancelled")


def node_states(entries: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Pointer → latest state, from an instance's ledger entries (``task.<state>``)."""
    states: dict[str, str] = {}
    for entry in entries:
        kind = str(entry.get("kind", ""))
        if kind.startswith("task.") and entry.get("subject"):
            states[str(entry["subject"])] = kind.split(".", 1)[1]
    return states


def _decision(output: Any) -> dict[str, Any] | None:
    if isinstance(output, dict):
        decision = output.get("decision")
        if isinstance(decision, dict) and "agent" in decision:
            return decision
    return None


def agent_timeline(instance: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each task that carries an agent's decision, in order, with who came before it.

    ``triggered_by`` is the previous agent of the instance (or the instance's trigger
    event for the first one): agents hand over through the playbook's data flow.
    """
    timeline: list[dict[str, Any]] = []
    previous = (
        f"event {instance['trigger_event']}" if instance.get("trigger_event") else "instance start"
    )
    for task in instance.get("tasks", []):
        decision = _decision(task.get("output"))
        if decision is None:
            continue
        alternatives = [a for a in decision.get("alternatives", []) if isinstance(a, dict)]
        timeline.append(
            {
                "agent": decision.get("agent"),
                "task": task.get("name"),
                "pointer": task.get("pointer"),
                "at": task.get("ended_at") or task.get("started_at"),
                "triggered_by": previous,
                "choice": decision.get("choice"),
                "rationale": decision.get("rationale", ""),
                "confidence": decision.get("confidence"),
                "alternatives": alternatives,
                "guardrails": [g for g in decision.get("guardrails", []) if isinstance(g, dict)],
            }
        )
        previous = f"agent {decision.get('agent')}"
    return timeline


def _number(value: Any) -> float | None:
    if isinstance(value, dict) and "amount" in value:
        value = value["amount"]
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def cash_flow(outputs: Iterable[Any]) -> dict[str, Any] | None:
    """Weekly cash-out before and after the latest finance agent's recovery plan."""
    latest = None
    for output in outputs:
        if isinstance(output, dict) and "baseline" in output and "scenario" in output:
            latest = output
    if latest is None:
        return None
    before = {
        b.get("week"): _number(b.get("amount")) or 0.0
        for b in latest["baseline"].get("buckets", [])
    }
    after = {
        b.get("week"): _number(b.get("amount")) or 0.0
        for b in latest["scenario"].get("buckets", [])
    }
    weeks = sorted({*before, *after} - {None})
    return {
        "weeks": [str(w) for w in weeks],
        "before": [before.get(w, 0.0) for w in weeks],
        "after": [after.get(w, 0.0) for w in weeks],
        "currency": latest["baseline"].get("currency", ""),
    }


def supplier_comparison(outputs: Iterable[Any]) -> dict[str, Any] | None:
    """Cost, lead time and CO2e of the options the latest sourcing/logistics decision weighed."""
    rows: list[dict[str, Any]] = []
    for output in outputs:
        decision = _decision(output)
        if decision is None:
            continue
        found = []
        for alt in decision.get("alternatives", []):
            details = alt.get("details") or {} if isinstance(alt, dict) else {}
            cost = _number(details.get("cost") or details.get("freight"))
            lead = _number(details.get("lead_time_days") or details.get("transit_days"))
            co2 = _number(details.get("co2e_kg"))
            if cost is None and lead is None and co2 is None:
                continue
            found.append(
                {
                    "option": str(alt.get("option")),
                    "cost": cost or 0.0,
                    "lead_time_days": lead or 0.0,
                    "co2e_kg": co2 or 0.0,
                }
            )
        if found:
            rows = found
    return {"options": rows[:8]} if rows else None


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def kpis(
    instances: Iterable[Mapping[str, Any]],
    approval_instance_ids: set[str],
    exception_dates: Iterable[Any] = (),
) -> dict[str, Any]:
    """Cycle time (median, completed instances), touchless rate, exceptions per week."""
    durations: list[float] = []
    completed = touchless = 0
    for inst in instances:
        if inst.get("status") != "completed":
            continue
        completed += 1
        if inst.get("id") not in approval_instance_ids:
            touchless += 1
        start, end = _parse(inst.get("created_at")), _parse(inst.get("completed_at"))
        if start and end:
            durations.append((end - start).total_seconds())
    durations.sort()
    median = durations[len(durations) // 2] if durations else None
    weeks: dict[str, int] = {}
    for value in exception_dates:
        at = _parse(value)
        if at is not None:
            year, week, _ = at.isocalendar()
            label = f"{year}-W{week:02d}"
            weeks[label] = weeks.get(label, 0) + 1
    return {
        "completed": completed,
        "cycle_time_seconds": median,
        "touchless_rate": (touchless / completed) if completed else None,
        "exceptions_per_week": dict(sorted(weeks.items())[-8:]),
    }


__all__ = ["agent_timeline", "cash_flow", "kpis", "node_states", "supplier_comparison"]
