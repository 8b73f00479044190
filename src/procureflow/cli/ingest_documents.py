"""``procureflow ingest contract FILE`` and ``procureflow ingest invoice FILE``.

A contract (DOCX or PDF) is read — parties, value, term, payment terms, items,
milestones, liquidated damages, certifications, each with its evidence — recorded as
signed and announced (``contract.signed`` starts contract-to-pay on the running
engine). An e-invoice (UBL, CII, Factur-X PDF) is parsed, kept and announced
(``invoice.received`` wakes the instance of its PO). Bad files are refused with one
line naming the problem; nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors


@one_line_errors
def ingest_contract(
    file: Path = typer.Argument(..., help="The signed contract (.docx, .pdf, or OCDS .json)"),
    terms_only: bool = typer.Option(
        False, "--terms-only", help="Only show the terms read; record nothing."
    ),
    payment_terms: str = typer.Option(
        "net 30", "--payment-terms", help="Terms for OCDS releases (OCDS states none)."
    ),
    actor: str = typer.Option("cli", "--by", help="Who signed it (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """Read a contract's terms (with evidence), record it signed and start contract-to-pay.
    An OCDS release package (JSON) records each signed contract it holds."""
    from procureflow.adapters.llm_contracts import terms_model_from_settings
    from procureflow.config import get_settings
    from procureflow.documents.contract_terms import extract_contract_terms

    data = file.read_bytes()
    if data.lstrip()[:1] == b"{":
        _ingest_ocds(data, file.name, payment_terms, actor, as_json, terms_only)
        return
    terms = extract_contract_terms(
        data, file.name, model=terms_model_from_settings(get_settings().llm_model)
    )
    result: dict[str, Any] = {"file": file.name, "terms": terms.to_json(), "signed": None}
    if not terms_only:
        from procureflow.runtime.payables_intake import sign_terms

        with context.client() as svc:
            result["signed"] = sign_terms(svc, terms, actor=actor, origin="cli")
    emit(result, as_json=as_json, human=_show_contract)


@one_line_errors
def ingest_invoice(
    file: Path = typer.Argument(..., help="A UBL / CII XML invoice or a Factur-X PDF"),
    actor: str = typer.Option("cli", "--by", help="Who received it (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """Parse an e-invoice, keep it and hand it to the playbook waiting for its PO."""
    from procureflow.runtime.payables_intake import receive_invoice

    data = file.read_bytes()
    with context.client() as svc:
        result = receive_invoice(svc, data, file.name, actor=actor)
    emit(result, as_json=as_json, human=_show_invoice)


def _ingest_ocds(
    data: bytes, name: str, payment_terms: str, actor: str, as_json: bool, terms_only: bool
) -> None:
    from procureflow.documents.contract_terms.ocds import contracts_from_ocds

    found = contracts_from_ocds(data, name, payment_terms=payment_terms)
    results: list[dict[str, Any]] = [
        {"file": name, "terms": terms.to_json(), "signed": None} for terms in found
    ]
    if not terms_only:
        from procureflow.runtime.payables_intake import sign_terms

        with context.client() as svc:
            for result, terms in zip(results, found, strict=True):
                result["signed"] = sign_terms(svc, terms, actor=actor, origin="ocds")
    emit(results, as_json=as_json, human=_show_contracts)


def _show_contracts(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        _show_contract(row)


def _show_contract(r: dict[str, Any]) -> None:
    t = r["terms"]
    table = Table("term", "value", "evidence", title=t.get("title") or r["file"])
    for role in ("buyer", "supplier"):
        if t.get(role):
            table.add_row(role, t[role]["name"], t[role]["evidence"]["location"])
    if t.get("value"):
        v = t["value"]
        table.add_row("value", f"{v['amount']} {v['currency']}", v["evidence"]["location"])
    for key in ("effective_date", "end_date"):
        if t.get(key):
            table.add_row(key.replace("_", " "), t[key]["value"], t[key]["evidence"]["location"])
    if t.get("payment_terms"):
        p = t["payment_terms"]
        table.add_row("payment terms", p["notation"], p["evidence"]["location"])
    for item in t.get("items", []):
        table.add_row(
            "item", f"{item['quantity']} × {item['description']} @ {item['unit_price']}",
            item["evidence"]["location"],
        )  # fmt: skip
    for m in t.get("milestones", []):
        table.add_row(
            "milestone", f"{m['name']} due {m['due_date'] or '-'}: {m['amount']}",
            m["evidence"]["location"],
        )  # fmt: skip
    if t.get("liquidated_damages"):
        ld = t["liquidated_damages"]
        table.add_row(
            "liquidated damages", f"{ld['rate_pct']} % per {ld['period']}, cap {ld['cap_pct']} %",
            ld["evidence"]["location"],
        )  # fmt: skip
    for c in t.get("certifications", []):
        table.add_row(
            "certification", f"{c['name']} until {c['valid_until'] or '-'}",
            c["evidence"]["location"],
        )  # fmt: skip
    console.print(table)
    if t.get("missing"):
        console.print(f"not found: {', '.join(t['missing'])}", highlight=False)
    signed = r.get("signed")
    if signed:
        contract = signed["contract"]
        state = "recorded as signed" if signed["created"] else "already recorded"
        console.print(f"contract {contract['contract_id']} {state}", highlight=False)
        link = contract.get("supplier_link") or {}
        if contract.get("supplier_id"):
            console.print(
                f"supplier {contract['supplier_id']} (by {link.get('matched_by')})",
                highlight=False,
            )
        else:
            console.print(
                f"not linked to a supplier, asked a buyer: {link.get('reason')}", highlight=False
            )


def _show_invoice(r: dict[str, Any]) -> None:
    from procureflow.cli.payments import validation_line

    inv = r["invoice"]
    console.print(
        f"invoice {inv['number']} from {inv['supplier_name']}: {inv['amount']['amount']} "
        f"{inv['amount']['currency']} for PO {inv['po_number'] or '-'} → {inv['invoice_id']} "
        f"({inv['status']}; {validation_line(inv.get('validation'))})",
        highlight=False,
    )
    for finding in (inv.get("validation") or {}).get("findings", []):
        console.print(
            f"  {finding['severity']} {finding['rule']}: {finding['message']}", highlight=False
        )


__all__ = ["ingest_contract", "ingest_invoice"]
