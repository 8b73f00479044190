"""``procureflow screening propose|proposals|confirm|reject``: the denied-party list under
dual control. One compliance officer proposes a replacement; it is in force only once a
different one confirms it. ``--as`` names the person; their roles come from the user
store, as for approvals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.errors import Forbidden
from procureflow.runtime.services import Services

app = typer.Typer(no_args_is_help=True, help="The denied-party list: propose and confirm.")

AsOption = typer.Option(..., "--as", help="Your user id (must hold the compliance role)")


def _compliance_officer(svc: Services, user: str) -> str:
    person = svc.extras["users"].get(user)
    if "compliance" not in person.roles:
        raise Forbidden(f"{person.id} does not hold the compliance role")
    return str(person.id)


def _one(proposal: dict[str, Any]) -> None:
    console.print(
        f"{proposal['proposal_id']} ({proposal['list']}): {proposal['status']}; "
        f"{proposal['parties']} parties, +{proposal['added']} -{proposal['removed']}; "
        f"proposed by {proposal['proposed_by']}"
        + (f", {proposal['status']} by {proposal['decided_by']}" if proposal["decided_by"] else "")
    )


def propose(file: Path, list_name: str, user: str, as_json: bool) -> None:
    """Propose ``file`` as the new ``list_name`` (shared with ``contracts screening-import``)."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        actor = _compliance_officer(svc, user)
        proposal = payables_stores(svc).contracts.propose_denied_parties(
            file.read_bytes(), list_name=list_name, actor=actor
        )
    emit(proposal, as_json=as_json, human=_one)


@app.command("propose")
@one_line_errors
def propose_command(
    file: Path = typer.Argument(..., help="CSV with a 'name' column (optional: country, id)"),
    list_name: str = typer.Option("denied-parties", "--list", help="Name of the list"),
    user: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Propose a replacement of a denied-party list; a second officer must confirm it."""
    propose(file, list_name, user, as_json)


@app.command("proposals")
@one_line_errors
def proposals_command(
    list_name: str = typer.Option(None, "--list", help="Only this list"),
    status: str = typer.Option(None, "--status", help="open, confirmed, rejected, withdrawn"),
    as_json: bool = JsonOption,
) -> None:
    """Proposed replacements, newest first."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        rows = payables_stores(svc).contracts.denied_party_proposals(
            list_name=list_name, status=status
        )

    def human(items: list[dict[str, Any]]) -> None:
        for item in items:
            _one(item)

    emit(rows, as_json=as_json, human=human)


@app.command("confirm")
@one_line_errors
def confirm_command(
    proposal_id: str = typer.Argument(...),
    user: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Put a proposed list in force (not by the person who proposed it)."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        actor = _compliance_officer(svc, user)
        done = payables_stores(svc).contracts.confirm_denied_parties(proposal_id, actor=actor)
    emit(done, as_json=as_json, human=_one)


@app.command("reject")
@one_line_errors
def reject_command(
    proposal_id: str = typer.Argument(...),
    user: str = AsOption,
    reason: str = typer.Option(None, "--reason"),
    as_json: bool = JsonOption,
) -> None:
    """Close a proposal unused: withdrawn by its proposer, rejected by anyone else."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        actor = _compliance_officer(svc, user)
        done = payables_stores(svc).contracts.reject_denied_parties(
            proposal_id, actor=actor, reason=reason
        )
    emit(done, as_json=as_json, human=_one)


__all__ = ["app", "confirm_command", "propose", "proposals_command", "reject_command"]
