"""``procureflow policies``: validate, show and simulate guardrail and approval policies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.policies import (
    Policy,
    RecordedGuardDecision,
    load_default_policy,
    load_policy_file,
    simulate,
)

app = typer.Typer(
    no_args_is_help=True,
    help="Approval matrix, agent mandates and guardrails (YAML with CEL expressions).",
)

FileArgument = typer.Argument(..., help="Policy YAML file.", dir_okay=False)
OptionalFileArgument = typer.Argument(
    None, help="Policy YAML file; the built-in default policy when left out.", dir_okay=False
)


def _summary(policy: Policy) -> dict[str, Any]:
    doc = policy.document
    return {
        "ok": True,
        "origin": policy.origin,
        "name": policy.name,
        "version": policy.version,
        "digest": policy.digest,
        "roles": list(doc.roles),
        "matrix_rules": len(doc.approval_matrix.rules),
        "mandates": sorted(doc.mandates),
        "guardrails": [guard.name for guard in doc.guardrails],
    }


@app.command()
@one_line_errors
def validate(file: Path = FileArgument, as_json: bool = JsonOption) -> None:
    """Check a policy file: schema, roles, tiers, and every CEL expression compiles."""
    policy = load_policy_file(file)

    def human(data: dict[str, Any]) -> None:
        console.print(
            f"ok: {data['name']} {data['version']} — {len(data['guardrails'])} guardrails, "
            f"{data['matrix_rules']} matrix rules, digest {data['digest'][:12]}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    emit(_summary(policy), as_json=as_json, human=human)


@app.command()
@one_line_errors
def show(file: Path | None = OptionalFileArgument, as_json: bool = JsonOption) -> None:
    """Print a policy as validated: matrix, mandates, guardrails and its digest."""
    policy = load_policy_file(file) if file is not None else load_default_policy()
    emit(policy.to_json(), as_json=as_json, human=lambda _data: _print_policy(policy))


def _print_policy(policy: Policy) -> None:
    doc = policy.document
    console.print(
        f"[bold]{doc.name}[/bold] {doc.version}  digest {policy.digest[:12]}  ({policy.origin})"
    )
    matrix = Table(title="Approval matrix", title_justify="left")
    for column in ("category", "up to", "chain (role@SLA h)", "escalation"):
        matrix.add_column(column)
    for rule in doc.approval_matrix.rules:
        for tier in rule.tiers:
            chain = " → ".join(
                f"{level.role}@{level.sla_hours or doc.approval_matrix.default_sla_hours:g}"
                for level in tier.chain
            )
            limit = f"{tier.up_to} {rule.currency}" if tier.up_to is not None else "no limit"
            matrix.add_row(rule.category, limit, chain, rule.escalation_role or "")
    console.print(matrix)
    mandates = Table(title="Mandates", title_justify="left")
    for column in ("agent", "weights", "bounds"):
        mandates.add_column(column)
    for agent, mandate in sorted(doc.mandates.items()):
        weights = ", ".join(f"{k}={v:g}" for k, v in mandate.weights.items())
        bounds = ", ".join(f"{k}={v}" for k, v in mandate.bounds.items())
        mandates.add_row(agent, weights, bounds)
    console.print(mandates)
    guards = Table(
        title=f"Guardrails ({doc.evaluation.strategy.value}, default {doc.evaluation.default.value})",
        title_justify="left",
    )
    for column in ("name", "when", "outcome", "approvers / reason"):
        guards.add_column(column)
    for guard in doc.guardrails:
        approvers = (
            guard.approvers
            if isinstance(guard.approvers, str)
            else ", ".join(guard.approvers or [])
        )
        guards.add_row(guard.name, guard.when, guard.outcome.value, approvers or guard.reason)
    console.print(guards)


@app.command("simulate")
@one_line_errors
def simulate_command(
    file: Path = FileArgument,
    as_json: bool = JsonOption,
    database_url: str | None = typer.Option(
        None, "--database-url", help="Database with the recorded decisions (default: settings)."
    ),
    policy_name: str | None = typer.Option(
        None, "--policy", help="Replay only decisions recorded under this policy name."
    ),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Replay at most N decisions."),
) -> None:
    """Replay recorded guard decisions under FILE and list every decision that would change."""
    from procureflow.adapters.db.engine import create_engine
    from procureflow.adapters.db.guard_decisions import list_guard_decisions
    from procureflow.config import get_settings

    policy = load_policy_file(file)
    engine = create_engine(database_url or get_settings().database_url)
    try:
        rows = list_guard_decisions(engine, policy=policy_name, limit=limit)
    finally:
        engine.dispose()
    recorded = [RecordedGuardDecision.model_validate(row) for row in rows]
    report = simulate(policy, recorded)
    emit(report.to_json(), as_json=as_json, human=_print_report)


def _print_report(data: dict[str, Any]) -> None:
    console.print(
        f"{data['policy']} (digest {data['policy_digest'][:12]}): {data['total']} decisions "
        f"replayed, {data['changed']} would change, {data['unchanged']} unchanged, "
        f"{len(data['errors'])} could not be evaluated",
        markup=False,
        highlight=False,
    )
    if data["changes"]:
        table = Table(title="Would change", title_justify="left")
        for column in ("instance", "task", "before", "after", "approvers before → after"):
            table.add_column(column, overflow="fold")
        for change in data["changes"]:
            table.add_row(
                change["instance_id"] or "",
                change["task_key"] or "",
                change["before_outcome"],
                change["after_outcome"],
                f"{_chain(change['before_chain'])} → {_chain(change['after_chain'])}",
            )
        console.print(table)
    for transition, count in data["transitions"].items():
        console.print(f"  {transition}: {count}", markup=False, highlight=False)
    for error in data["errors"]:
        console.print(
            f"  error {error['instance_id']} {error['task_key']}: {error['error']}",
            markup=False,
            highlight=False,
        )


def _chain(chain: list[str] | None) -> str:
    return ", ".join(chain) if chain else "—"


__all__ = ["app"]
