"""``procureflow contracts list|show|bank-details|screening-import``: signed contracts,
their onboarding checklist and compliance record, the supplier's bank account, and the
denied-party list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Signed contracts and supplier screening.")


@app.command("list")
@one_line_errors
def list_contracts(as_json: bool = JsonOption) -> None:
    """Signed contracts, newest first."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        rows = payables_stores(svc).contracts.list_contracts()
    for row in rows:
        row.pop("terms")
    emit(rows, as_json=as_json, human=_show_list)


@app.command("show")
@one_line_errors
def show(
    contract: str = typer.Argument(..., help="Contract id, contract number or PO number"),
    as_json: bool = JsonOption,
) -> None:
    """A contract with its onboarding tasks, milestones and certificates."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        stores = payables_stores(svc)
        found = stores.contracts.get(contract)
        cid = found["contract_id"]
        found["onboarding"] = stores.contracts.tasks(cid)
        found["milestones"] = stores.contracts.milestones(cid)
        found["certificates"] = stores.contracts.certificates(cid)
    emit(found, as_json=as_json, human=_show_one)


@app.command("bank-details")
@one_line_errors
def bank_details(
    contract: str = typer.Argument(..., help="Contract id, contract number or PO number"),
    iban: str = typer.Option(..., "--iban", help="The supplier's IBAN"),
    bic: str = typer.Option(None, "--bic", help="The supplier's BIC"),
    actor: str = typer.Option("cli", "--by", help="Who confirmed it (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """Confirm or correct the supplier's bank account (validated); payments use it."""
    from procureflow.runtime.payables_onboarding import set_bank_details
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        done = set_bank_details(payables_stores(svc), contract, iban, bic, actor=actor)
    emit(
        done,
        as_json=as_json,
        human=lambda r: console.print(f"bank details of {r['contract_id']}: {r['iban']}"),
    )


@app.command("screening-import")
@one_line_errors
def screening_import(
    file: Path = typer.Argument(..., help="CSV with a 'name' column (optional: country, id)"),
    list_name: str = typer.Option("denied-parties", "--list", help="Name of the list"),
    user: str = typer.Option(..., "--as", help="Your user id (must hold the compliance role)"),
    as_json: bool = JsonOption,
) -> None:
    """Propose a replacement of a denied-party list (same as ``screening propose``): it is
    in force only once a second compliance officer confirms it."""
    from procureflow.cli.screening import propose

    propose(file, list_name, user, as_json)


def _show_list(rows: list[dict[str, Any]]) -> None:
    table = Table("contract", "number", "supplier", "value", "PO", "status")
    for c in rows:
        table.add_row(
            c["contract_id"],
            c["contract_number"] or "-",
            c["supplier_name"],
            f"{c['value']['amount']} {c['value']['currency']}",
            c["po_number"] or "-",
            c["status"],
        )
    console.print(table)


def _show_one(c: dict[str, Any]) -> None:
    _show_list([c])
    tasks = Table("onboarding task", "owner", "status")
    for t in c["onboarding"]:
        tasks.add_row(t["task"], t["owner_role"], t["status"])
    console.print(tasks)
    certs = Table("certificate", "valid until", "status")
    for cert in c["certificates"]:
        certs.add_row(cert["certificate"], cert["valid_until"] or "-", cert["status"])
    console.print(certs)


__all__ = ["app", "bank_details", "list_contracts", "screening_import", "show"]
