"""``procureflow receipts add``: record goods received against a PO's lines."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.errors import InvalidInput

app = typer.Typer(no_args_is_help=True, help="Goods receipts against purchase orders.")


def parse_line_quantities(pairs: list[str]) -> dict[str, str]:
    """``["1=20", "2=4"]`` → ``{"1": "20", "2": "4"}``; InvalidInput naming a bad pair."""
    lines: dict[str, str] = {}
    for pair in pairs:
        line, sep, quantity = pair.partition("=")
        if not sep or not line.strip() or not quantity.strip():
            raise InvalidInput(f"--line {pair!r}: write LINE=QUANTITY, e.g. --line 1=20")
        lines[line.strip()] = quantity.strip()
    return lines


def parse_day(value: str | None, option: str) -> date:
    """A YYYY-MM-DD option (today when not given)."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} is not a date YYYY-MM-DD: {value!r}") from None


@app.command("add")
@one_line_errors
def add_receipt(
    po_number: str = typer.Argument(..., help="The purchase order"),
    receipt_id: str = typer.Option(..., "--id", help="The delivery note / receipt number"),
    line: list[str] = typer.Option(..., "--line", help="LINE=QUANTITY received (repeat)"),
    received_on: str = typer.Option(None, "--on", help="Day received (YYYY-MM-DD; today)"),
    actor: str = typer.Option("cli", "--by", help="Who received it (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """Record a delivery (recording the same receipt id again changes nothing)."""
    from procureflow.runtime.payables_intake import record_receipt

    lines = parse_line_quantities(line)
    day = parse_day(received_on, "--on")
    with context.client() as svc:
        result = record_receipt(
            svc,
            receipt_id=receipt_id,
            po_number=po_number,
            lines=lines,
            received_on=day,
            actor=actor,
        )
    emit(result, as_json=as_json, human=_show)


def _show(r: dict[str, Any]) -> None:
    state = "recorded" if r["created"] else "already recorded"
    console.print(f"receipt {r['receipt_id']} for {r['po_number']} {state}", highlight=False)


__all__ = ["add_receipt", "app", "parse_day", "parse_line_quantities"]
