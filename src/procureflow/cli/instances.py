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
