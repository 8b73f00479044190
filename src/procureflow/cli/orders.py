"""``procureflow orders``: purchase orders — list, show (with what was changed and why)."""

from __future__ import annotations

from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Purchase orders.")


def _store(svc: Any) -> Any:
    from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore

    return PurchaseOrderStore(svc.engine, svc.audit)


def _table(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("PO", "supplier", "status", "total", "lines", "origin", "created")
    for r in rows:
        table.add_row(
            r["po_number"],
            r["supplier_id"],
            r["status"],
            f"{r['total']} {r['currency']}",
            str(len(r["lines"])),
            r["origin"] or "-",
            r["created_at"][:19],
        )
    console.print(table)


@app.command("list")
@one_line_errors
def list_command(
    supplier: str = typer.Option(None, "--supplier", help="Only this supplier id"),
    origin: str = typer.Option(None, "--origin", help="Only those a playbook instance created"),
    open_only: bool = typer.Option(False, "--open", help="Only open (or reduced) orders"),
    as_json: bool = JsonOption,
) -> None:
    """Purchase orders, oldest first."""
    with context.store() as svc:
        rows = [
            o.to_json()
            for o in _store(svc).list(supplier_id=supplier, origin=origin, open_only=open_only)
        ]
    emit(rows, as_json=as_json, human=_table)


@app.command("show")
@one_line_errors
def show_command(
    po: str = typer.Argument(..., help="PO number or id"), as_json: bool = JsonOption
) -> None:
    """One purchase order with its lines and every change made to it."""
    with context.store() as svc:
        store = _store(svc)
        row = store.get(po).to_json()
        row["changes"] = store.changes(po)
    emit(row, as_json=as_json, human=lambda r: console.print_json(data=r))


__all__ = ["app"]
