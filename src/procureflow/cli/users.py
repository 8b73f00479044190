"""``procureflow users``: people, roles and API tokens."""

from __future__ import annotations

from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Users, roles and API tokens.")


@app.command("add")
@one_line_errors
def add_command(
    user_id: str = typer.Argument(...),
    role: list[str] = typer.Option(..., "--role", help="A role; repeat for several"),
    name: str = typer.Option(None, "--name"),
    email: str = typer.Option(None, "--email"),
    as_json: bool = JsonOption,
) -> None:
    """Add a user with one or more roles."""
    with context.store() as svc:
        user = svc.extras["users"].add(user_id, roles=role, display_name=name, email=email)
    emit(
        user.to_json(),
        as_json=as_json,
        human=lambda u: console.print(f"added {u['id']} ({', '.join(u['roles'])})"),
    )


@app.command("list")
@one_line_errors
def list_command(as_json: bool = JsonOption) -> None:
    """Every user with their roles."""
    with context.store() as svc:
        rows = [u.to_json() for u in svc.extras["users"].all()]

    def human(items: list[dict[str, Any]]) -> None:
        for u in items:
            console.print(f"{u['id']}: {', '.join(u['roles'])}")

    emit(rows, as_json=as_json, human=human)


@app.command("token")
@one_line_errors
def token_command(
    user_id: str = typer.Argument(...),
    label: str = typer.Option(None, "--label"),
    as_json: bool = JsonOption,
) -> None:
    """Issue an API token (printed once; only its hash is stored)."""
    with context.store() as svc:
        token = svc.extras["users"].issue_token(user_id, label)
    emit(
        {"user": user_id, "token": token},
        as_json=as_json,
        human=lambda r: console.print(r["token"]),
    )
