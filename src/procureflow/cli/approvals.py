"""``procureflow approvals``: the inbox of decisions, and deciding them."""

from __future__ import annotations

from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.runtime.approvals import decide

app = typer.Typer(no_args_is_help=True, help="Approval requests.")


@app.command("list")
@one_line_errors
def list_command(
    status: str = typer.Option(
        "pending", "--status", help="pending, approved, rejected, expired, all"
    ),
    role: str = typer.Option(None, "--role"),
    as_json: bool = JsonOption,
) -> None:
    """Approval requests (pending by default), oldest first."""
    with context.store() as svc:
        rows = svc.approvals.inbox(status=None if status == "all" else status, role=role)

    def human(items: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("id", "title", "role", "status", "due", "digest")
        for r in items:
            table.add_row(
                r["id"], r["title"], r["role"], r["status"], r["due_at"] or "", r["digest"][:16]
            )
        console.print(table)

    emit(rows, as_json=as_json, human=human)


def _decide(
    approval_id: str, user: str, digest: str, comment: str | None, approve: bool, as_json: bool
) -> None:
    with context.client() as svc:
        person = svc.extras["users"].get(user)
        result = decide(
            svc,
            approval_id,
            approver=person.id,
            approver_roles=person.roles,
            approve=approve,
            quoted_digest=digest,
            comment=comment,
        )
    emit(
        result,
        as_json=as_json,
        human=lambda r: console.print(f"{r['id']}: {r['status']} by {r['decided_by']}"),
    )


@app.command("approve")
@one_line_errors
def approve_command(
    approval_id: str = typer.Argument(...),
    user: str = typer.Option(..., "--as", help="The approver's user id (roles come from the user)"),
    digest: str = typer.Option(..., "--digest", help="Digest of the action you reviewed"),
    comment: str = typer.Option(None, "--comment"),
    as_json: bool = JsonOption,
) -> None:
    """Approve the exact action whose digest you quote."""
    _decide(approval_id, user, digest, comment, True, as_json)


@app.command("reject")
@one_line_errors
def reject_command(
    approval_id: str = typer.Argument(...),
    user: str = typer.Option(..., "--as"),
    digest: str = typer.Option(..., "--digest"),
    comment: str = typer.Option(None, "--comment"),
    as_json: bool = JsonOption,
) -> None:
    """Reject the exact action whose digest you quote."""
    _decide(approval_id, user, digest, comment, False, as_json)
