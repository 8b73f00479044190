"""``procureflow milestones list|complete``: a contract's project workspace."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.cli.receipts import parse_day

app = typer.Typer(no_args_is_help=True, help="Contract milestones (the project workspace).")


@app.command("list")
@one_line_errors
def list_milestones(
    contract: str = typer.Argument(..., help="Contract id or PO number"),
    as_json: bool = JsonOption,
) -> None:
    """The contract's milestones, with due dates, amounts and completion."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        rows = payables_stores(svc).contracts.milestones(contract)
    emit(rows, as_json=as_json, human=_show)


@app.command("complete")
@one_line_errors
def complete(
    contract: str = typer.Argument(..., help="Contract id or PO number"),
    milestone_id: str = typer.Argument(..., help="Milestone id (M1, M2, ...)"),
    on: str = typer.Option(None, "--on", help="Day completed (YYYY-MM-DD; today)"),
    actor: str = typer.Option("cli", "--by", help="Who accepted it (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """Record a milestone completed (it may then be invoiced)."""
    from procureflow.runtime.payables_intake import complete_milestone

    day = parse_day(on, "--on")
    with context.client() as svc:
        result = complete_milestone(
            svc, po_or_contract=contract, milestone_id=milestone_id, on=day, actor=actor
        )
    emit(result, as_json=as_json, human=lambda r: _show([r["milestone"]]))


def _show(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "milestone", "due", "amount", "completed")
    for m in rows:
        table.add_row(
            m["milestone_id"],
            m["name"],
            m["due_date"] or "-",
            f"{m['amount']['amount']} {m['amount']['currency']}",
            m["completed_on"] or "-",
        )
    console.print(table)


__all__ = ["app", "complete", "list_milestones"]
