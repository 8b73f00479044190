"""Contract to pay driven from the command line against a running engine: ingest the
contract, record the goods, ingest the invoice, list and export the payment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from procureflow.cli import contracts, ingest, milestones, payments, receipts
from procureflow.config import get_settings
from procureflow.demo.contracts import sample_contract_docx
from procureflow.documents.pain001 import pain001_schema_path
from procureflow.runtime.services import Services
from tests.e2e.contract_to_pay_support import (
    add_people,
    approve,
    goods,
    then_listening_again,
    wait_invoice_status,
    wait_listening,
)
from tests.factories_payables import ubl_invoice

runner = CliRunner()


@pytest.fixture
def cli(runtime: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("PROCUREFLOW_APPLICATION_VERSION", runtime.settings.application_version)
    get_settings.cache_clear()
    app = typer.Typer()
    for name, module in (
        ("ingest", ingest),
        ("contracts", contracts),
        ("receipts", receipts),
        ("milestones", milestones),
        ("payments", payments),
    ):
        app.add_typer(module.app, name=name)
    yield app
    get_settings.cache_clear()


def _json(cli: typer.Typer, *args: str) -> object:
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_whole_flow_from_the_command_line(
    cli: typer.Typer, runtime: Services, tmp_path: Path
) -> None:
    add_people(runtime)
    contract_file = tmp_path / "contract.docx"
    contract_file.write_bytes(sample_contract_docx())
    signed = _json(cli, "ingest", "contract", str(contract_file))
    assert isinstance(signed, dict)
    assert signed["terms"]["payment_terms"]["notation"] == "2/10 net 30"
    [instance_id] = signed["signed"]["event"]["started"]
    approve(runtime, instance_id, "purchase_order")
    wait_listening(runtime, instance_id)
    shown = _json(cli, "contracts", "show", "C-2026-0042")
    assert isinstance(shown, dict)
    po_number = shown["po_number"]
    assert [t["status"] for t in shown["onboarding"]] == ["done"] * 4

    then_listening_again(
        runtime,
        instance_id,
        lambda: _json(cli, "receipts", "add", po_number, "--id", "GR-7", "--line", "1=20"),
    )
    invoice_file = tmp_path / "invoice.xml"
    invoice_file.write_bytes(
        ubl_invoice(
            number="NW-77",
            po_number=po_number,
            lines=[goods(20)],
            issue_date=date.today().isoformat(),
        )
    )
    received = _json(cli, "ingest", "invoice", str(invoice_file))
    assert isinstance(received, dict)
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, received["invoice"]["invoice_id"], "authorised")

    invoices = _json(cli, "payments", "invoices", "--po", po_number)
    assert isinstance(invoices, list)
    assert [(i["status"], i["reason_codes"]) for i in invoices] == [("authorised", ["matched"])]
    listed = _json(cli, "payments", "list", "--status", "authorised")
    assert isinstance(listed, list) and len(listed) == 1
    assert Decimal(listed[0]["amount"]["amount"]) == Decimal("34986.00")  # 35,700 less 2 %
    out = tmp_path / "pain001.xml"
    exported = _json(
        cli,
        "payments",
        "export",
        "--output",
        str(out),
        "--debtor-name",
        "Hanse Maschinenbau AG",
        "--debtor-iban",
        "DE02120300000000202051",
    )
    assert isinstance(exported, dict) and exported["payments"] == [listed[0]["payment_id"]]
    schema = etree.XMLSchema(etree.parse(str(pain001_schema_path())))
    assert schema.validate(etree.parse(str(out))), schema.error_log
    again = runner.invoke(
        cli,
        [
            "payments",
            "export",
            "--output",
            str(out),
            "--debtor-name",
            "X",
            "--debtor-iban",
            "DE02120300000000202051",
        ],
    )
    assert again.exit_code == 1 and "no authorised payments in EUR" in again.output


def test_bad_command_line_input_is_one_line_and_stores_nothing(
    cli: typer.Typer, runtime: Services, tmp_path: Path
) -> None:
    bad = runner.invoke(cli, ["receipts", "add", "PO-X", "--id", "GR-1", "--line", "1:20"])
    assert bad.exit_code == 1 and "write LINE=QUANTITY" in bad.output
    unknown = runner.invoke(cli, ["receipts", "add", "PO-X", "--id", "GR-1", "--line", "1=20"])
    assert unknown.exit_code == 1 and "no purchase order PO-X" in unknown.output
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>")
    refused = runner.invoke(cli, ["ingest", "invoice", str(junk)])
    assert refused.exit_code == 1 and "not an invoice" in refused.output
    assert _json(cli, "payments", "list") == []
    assert _json(cli, "contracts", "list") == []
