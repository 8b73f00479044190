"""``procureflow payments list|invoices|export``: authorised payments, the invoices
behind them (with match reason codes) and the pain.001 bank file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Authorised payments and the bank file.")


@app.command("list")
@one_line_errors
def list_payments(
    status: str = typer.Option(None, "--status", help="authorised or exported"),
    as_json: bool = JsonOption,
) -> None:
    """Payments with their pay dates (discount taken or not, and why)."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        rows = payables_stores(svc).payables.payments(status=status)
    emit(rows, as_json=as_json, human=_show)


@app.command("invoices")
@one_line_errors
def list_invoices(
    po_number: str = typer.Option(None, "--po", help="Only this PO's invoices"),
    status: str = typer.Option(
        None,
        "--status",
        help="received, held, exception, authorised, exported, rejected, credited",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Invoices received, with their status, what validating them found (``held``: fatal
    errors, waiting for accounts payable) and the reason codes of their last match."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        store = payables_stores(svc).payables
        rows = store.list_invoices(po_number=po_number, status=status)
        for row in rows:
            matches = store.match_results(row["invoice_id"])
            row["reason_codes"] = matches[-1]["reason_codes"] if matches else []
    emit(rows, as_json=as_json, human=_show_invoices)


@app.command("invoice")
@one_line_errors
def show_invoice(
    invoice_id: str = typer.Argument(..., help="The invoice's id (see `payments invoices`)"),
    as_json: bool = JsonOption,
) -> None:
    """One invoice: status, every validation finding (fatal and warning) and its matches."""
    from procureflow.runtime.payables_stores import payables_stores

    with context.store() as svc:
        store = payables_stores(svc).payables
        row = store.get_invoice(invoice_id)
        row["matches"] = store.match_results(invoice_id)
    emit(row, as_json=as_json, human=_show_one_invoice)


@app.command("export")
@one_line_errors
def export(
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the pain.001 XML"),
    debtor_name: str = typer.Option(
        ..., "--debtor-name", envvar="PROCUREFLOW_DEBTOR_NAME", help="Paying company"
    ),
    debtor_iban: str = typer.Option(
        ..., "--debtor-iban", envvar="PROCUREFLOW_DEBTOR_IBAN", help="Account paid from"
    ),
    debtor_bic: str = typer.Option(
        None, "--debtor-bic", envvar="PROCUREFLOW_DEBTOR_BIC", help="BIC of that account"
    ),
    currency: str = typer.Option(None, "--currency", help="Currency of the file (default: base)"),
    actor: str = typer.Option("cli", "--by", help="Who exported (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """Write every authorised payment as a schema-valid ISO 20022 pain.001.001.03 file and
    mark them exported."""
    from procureflow.documents.pain001 import Debtor
    from procureflow.runtime.payables_export import export_authorised_payments

    debtor = Debtor(name=debtor_name, iban=debtor_iban, bic=debtor_bic)
    with context.store() as svc:
        result = export_authorised_payments(svc, debtor, actor=actor, currency=currency)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(result.pop("document"))
    os.replace(partial, output)
    result["file"] = str(output)
    emit(result, as_json=as_json, human=_show_export)


def _show(rows: list[dict[str, Any]]) -> None:
    table = Table("payment", "creditor", "amount", "pay on", "status", "why")
    for p in rows:
        table.add_row(
            p["payment_id"],
            p["creditor_name"],
            f"{p['amount']['amount']} {p['amount']['currency']}",
            p["pay_on"],
            p["status"],
            p["plan"].get("reason", ""),
        )
    console.print(table)


def validation_line(validation: dict[str, Any] | None) -> str:
    """What validation found, in a few words: ``valid``, ``2 fatal: BR-CO-10, XSD``…"""
    if not validation:
        return "-"
    if validation.get("valid"):
        warnings = validation.get("warnings", 0)
        return f"valid ({warnings} warnings)" if warnings else "valid"
    rules = dict.fromkeys(
        f["rule"] for f in validation.get("findings", []) if f.get("severity") == "fatal"
    )
    return f"{validation.get('fatal', 0)} fatal: {', '.join(list(rules)[:4])}"


def _show_invoices(rows: list[dict[str, Any]]) -> None:
    table = Table(
        "invoice", "number", "supplier", "PO", "amount", "status", "validation", "reasons"
    )
    for i in rows:
        table.add_row(
            i["invoice_id"],
            i["number"],
            i["supplier_name"],
            i["po_number"] or "-",
            f"{i['amount']['amount']} {i['amount']['currency']}",
            i["status"],
            validation_line(i.get("validation")),
            ", ".join(i["reason_codes"]) or "-",
        )
    console.print(table)


def _show_one_invoice(i: dict[str, Any]) -> None:
    console.print(
        f"invoice {i['number']} from {i['supplier_name']}: {i['amount']['amount']} "
        f"{i['amount']['currency']} for PO {i['po_number'] or '-'} ({i['status']}; "
        f"{validation_line(i.get('validation'))})",
        highlight=False,
    )
    for finding in (i.get("validation") or {}).get("findings", []):
        where = f" [{finding['location']}]" if finding.get("location") else ""
        console.print(
            f"  {finding['severity']} {finding['check']} {finding['rule']}: "
            f"{finding['message']}{where}",
            highlight=False,
        )
    for match in i.get("matches", []):
        console.print(
            f"  match: {match.get('decision')} {', '.join(match.get('reason_codes', []))}",
            highlight=False,
        )


def _show_export(r: dict[str, Any]) -> None:
    console.print(
        f"{len(r['payments'])} payments, {r['total']} {r['currency']}, message {r['message_id']} "
        f"→ {r['file']}",
        highlight=False,
    )


__all__ = [
    "app",
    "export",
    "list_invoices",
    "list_payments",
    "show_invoice",
    "validation_line",
]
