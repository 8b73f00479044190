"""What the pages show, read from instances, task runs and the ledger.

Pure functions over the JSON the stores return, so they are tested without a server:
node states of an instance, the agent timeline, cash-flow and supplier figures, KPIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every mapping inside ``value`` (bounded: outputs may carry large documents)."""
    if depth > 6:
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif isinstance(value, list):
        for item in value[:50]:
            yield from _walk(item, depth + 1)


def _decisions(output: Any) -> list[dict[str, Any]]:
    """The agents' decision records anywhere in a task's output (playbooks nest them)."""
    return [d for d in _walk(output) if isinstance(d.get("agent"), str) and "choice" in d]


def _identity(decision: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(decision.get("agent")), str(decision.get("choice")), str(decision.get("rationale")))


def agent_timeline(instance: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each agent decision of an instance, in order, with what triggered the agent.

    Task outputs carry earlier data forward, so a decision is shown at the task where it
    first appears. ``triggered_by`` is the agent(s) of the previous step, or the trigger
    event for the first; agents in parallel fork branches share the step before the fork.
    """
    timeline: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    previous = (
        f"event {instance['trigger_event']}" if instance.get("trigger_event") else "instance start"
    )
    before_fork: dict[str, str] = {}
    fork_agents: dict[str, list[str]] = {}
    for task in instance.get("tasks", []):
        fresh = [d for d in _decisions(task.get("output")) if _identity(d) not in seen]
        if not fresh:
            continue
        pointer = str(task.get("pointer") or "")
        fork = pointer.split("/fork/branches/")[0] if "/fork/branches/" in pointer else None
        trigger = before_fork.setdefault(fork, previous) if fork else previous
        names = []
        for decision in fresh:
            seen.add(_identity(decision))
            names.append(f"agent {decision.get('agent')}")
            timeline.append(
                {
                    "agent": decision.get("agent"),
                    "task": task.get("name"),
                    "pointer": pointer,
                    "at": task.get("ended_at") or task.get("started_at"),
                    "triggered_by": trigger,
                    "choice": decision.get("choice"),
                    "rationale": decision.get("rationale", ""),
                    "confidence": decision.get("confidence"),
                    "alternatives": [
                        a for a in decision.get("alternatives", []) if isinstance(a, dict)
                    ],
                    "guardrails": [
                        g for g in decision.get("guardrails", []) if isinstance(g, dict)
                    ],
                }
            )
        if fork:
            fork_agents.setdefault(fork, []).extend(names)
            previous = " + ".join(fork_agents[fork])
        else:
            previous = " + ".join(names)
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
        for found in _walk(output):
            if isinstance(found.get("baseline"), dict) and isinstance(found.get("scenario"), dict):
                latest = found
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
    for decision in (d for output in outputs for d in _decisions(output)):
        found = []
        for alt in decision.get("alternatives", []):
            details = alt.get("details") or {} if isinstance(alt, dict) else {}
            cost = _number(details.get("cost") or details.get("freight"))
            lead = _number(details.get("lead_time_days") or details.get("transit_days"))
            co2 = _number(details.get("co2e_kg"))
            if not (cost or lead or co2):  # an option with no figures (e.g. nothing to order)
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


def recovery_cost(outputs: Iterable[Any]) -> dict[str, float] | None:
    """The latest finance summary of a recovery: price and freight change, damages, total."""
    latest = None
    for output in outputs:
        for found in _walk(output):
            if "total_recovery_cost" in found and "price_delta" in found:
                latest = found
    if latest is None:
        return None
    names = {
        "price change": "price_delta",
        "freight change": "freight_delta",
        "damages recoverable": "damages_recoverable",
        "total": "total_recovery_cost",
    }
    return {label: _number(latest.get(key)) or 0.0 for label, key in names.items()}


__all__ = [
    "agent_timeline",
    "cash_flow",
    "kpis",
    "node_states",
    "recovery_cost",
    "supplier_comparison",
]
