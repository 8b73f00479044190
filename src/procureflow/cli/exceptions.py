"""``procureflow exceptions``: the queue of what needs a person — list, show, ack, resolve."""

from __future__ import annotations

import json
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.errors import InvalidInput
from procureflow.runtime.exception_functions import acknowledge, exception_queue, resolve

app = typer.Typer(no_args_is_help=True, help="The exception queue.")


def _table(items: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("id", "severity", "status", "owner", "reason", "subject", "seen", "title")
    for r in items:
        table.add_row(
            r["id"],
            r["severity"],
            r["status"],
            r["owner_role"],
            r["reason_code"],
            f"{r['subject']['type']}:{r['subject']['id']}",
            str(r["occurrences"]),
            r["title"],
        )
    console.print(table)


@app.command("list")
@one_line_errors
def list_command(
    status: str = typer.Option("open", "--status", help="open, acknowledged, resolved, all"),
    role: str = typer.Option(None, "--role", help="Only this owner role"),
    reason: str = typer.Option(None, "--reason", help="Only this reason code"),
    limit: int = typer.Option(100, "--limit", min=1, max=1000),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = JsonOption,
) -> None:
    """Exceptions, most urgent then oldest first (open ones by default)."""
    with context.store() as svc:
        rows = exception_queue(svc).list(
            None if status == "all" else status, role, limit, offset, reason_code=reason
        )
    emit(rows, as_json=as_json, human=_table)


@app.command("show")
@one_line_errors
def show_command(exception_id: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """One exception with its detail."""
    with context.store() as svc:
        row = exception_queue(svc).get(exception_id)
    emit(row, as_json=as_json, human=lambda r: console.print_json(data=r))


@app.command("ack")
@one_line_errors
def ack_command(
    exception_id: str = typer.Argument(...),
    user: str = typer.Option(..., "--as", help="Who takes it (a user id)"),
    as_json: bool = JsonOption,
) -> None:
    """Acknowledge: you have seen it and are on it."""
    with context.store() as svc:
        person = svc.extras["users"].get(user)
        row = acknowledge(svc, exception_id, user=person.id, roles=person.roles)
    emit(
        row,
        as_json=as_json,
        human=lambda r: console.print(f"{r['id']}: acknowledged by {r['acked_by']}"),
    )


@app.command("resolve")
@one_line_errors
def resolve_command(
    exception_id: str = typer.Argument(...),
    user: str = typer.Option(..., "--as", help="Who resolves it (a user id)"),
    note: str = typer.Option(None, "--note", help="What was decided, in words"),
    resolution: str = typer.Option(
        None, "--resolution", help="What was decided, as a JSON object (a waiting playbook gets it)"
    ),
    as_json: bool = JsonOption,
) -> None:
    """Resolve it; a playbook instance waiting on it resumes with the resolution."""
    decided: dict[str, Any] = {}
    if resolution:
        try:
            decided = json.loads(resolution)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"--resolution is not JSON: {exc.msg}", subject="resolution"
            ) from None
        if not isinstance(decided, dict):
            raise InvalidInput("--resolution must be a JSON object", subject="resolution")
    if note:
        decided["note"] = note
    with context.client() as svc:
        person = svc.extras["users"].get(user)
        row = resolve(svc, exception_id, user=person.id, resolution=decided, roles=person.roles)
    emit(
        row,
        as_json=as_json,
        human=lambda r: console.print(f"{r['id']}: resolved by {r['resolved_by']}"),
    )
