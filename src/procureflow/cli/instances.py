"""``procureflow instances``: what ran, what is running, what waits."""

from __future__ import annotations

from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Playbook instances.")


@app.command("list")
@one_line_errors
def list_command(
    status: str = typer.Option(None, "--status", help="running, waiting, completed, faulted"),
    playbook: str = typer.Option(None, "--playbook"),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JsonOption,
) -> None:
    """Instances, newest first."""
    with context.store() as svc:
        rows = svc.instances.list_instances(status=status, name=playbook, limit=limit)

    def human(items: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("id", "playbook", "version", "status", "started", "completed")
        for r in items:
            table.add_row(
                r["id"],
                r["playbook"],
                r["version"],
                r["status"],
                r["created_at"],
                r["completed_at"] or "",
            )
        console.print(table)

    emit(rows, as_json=as_json, human=human)


@app.command("show")
@one_line_errors
def show_command(instance_id: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """One instance: status, each task's state, inputs, outputs and timings."""
    with context.store() as svc:
        data = svc.instances.instance(instance_id)

    def human(r: dict[str, Any]) -> None:
        from rich.table import Table

        console.print(
            f"[bold]{r['id']}[/bold] {r['namespace']}/{r['playbook']} {r['version']}: {r['status']}"
        )
        table = Table("task", "type", "status", "ms")
        for t in r["tasks"]:
            table.add_row(t["pointer"], t["type"], t["status"], str(t["duration_ms"] or ""))
        console.print(table)

    emit(data, as_json=as_json, human=human)


def _control(action: str, instance_id: str, actor: str | None, **extra: str) -> dict[str, Any]:
    from procureflow.cli.output import actor_name
    from procureflow.runtime import instance_control

    with context.client() as svc:
        act = getattr(instance_control, action)
        result: dict[str, Any] = act(svc, instance_id, actor=actor_name(actor), **extra)
    return result


def _said(result: dict[str, Any]) -> None:
    console.print(f"instance {result['id']} is now {result['status']}")


ActorOption = typer.Option(None, "--as", help="Who does it (default: your login name).")


@app.command("cancel")
@one_line_errors
def cancel_command(
    instance_id: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit ledger)."),
    actor: str = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Stop a running, waiting or faulted instance for good."""
    emit(_control("cancel", instance_id, actor, reason=reason), as_json=as_json, human=_said)


@app.command("retry")
@one_line_errors
def retry_command(
    instance_id: str = typer.Argument(...), actor: str = ActorOption, as_json: bool = JsonOption
) -> None:
    """Run a faulted instance again from the task that failed; what it did before that
    task is not done again."""
    emit(_control("retry", instance_id, actor), as_json=as_json, human=_said)


@app.command("resume")
@one_line_errors
def resume_command(
    instance_id: str = typer.Argument(...), actor: str = ActorOption, as_json: bool = JsonOption
) -> None:
    """Continue an instance the engine stopped (cancelled, or given up after repeated
    crashes) from its last checkpoint."""
    emit(_control("resume", instance_id, actor), as_json=as_json, human=_said)
