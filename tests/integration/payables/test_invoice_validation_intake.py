"""Intake keeps what validation found with the invoice: an invalid e-invoice is held
for accounts payable (an exception, never matched), a credit note coded as an invoice
never becomes a negative payable, and the API and CLI show every finding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from procureflow.adapters.db.tables_exceptions import exceptions
from procureflow.adapters.db.tables_payables import invoices
from procureflow.api.app import create_app
from procureflow.cli import payments
from procureflow.config import Settings, get_settings
from tests.auth_helpers import bearer_for


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    headers = bearer_for(engine, "paul", "accounts_payable")
    with TestClient(app, headers=headers) as test_client:
        yield test_client


def _upload(client: TestClient, path: Path) -> dict[str, object]:
    response = client.post("/api/v1/invoices", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 201, response.text
    invoice = response.json()["invoice"]
    assert isinstance(invoice, dict)
    return invoice


def _exceptions_for(engine: sa.Engine, invoice_id: str) -> list[sa.Row[object]]:
    with engine.connect() as conn:
        return list(
            conn.execute(sa.select(exceptions).where(exceptions.c.subject_id == invoice_id))
        )


def _bad(sample_data: Path, name: str) -> Path:
    return sample_data / "einvoice" / "known-bad" / name


def test_an_invoice_breaking_br_co_10_goes_to_ap_review(
    client: TestClient, engine: sa.Engine, sample_data: Path
) -> None:
    stored = _upload(client, _bad(sample_data, "ubl-br-co-10-line-total.xml"))
    assert stored["status"] == "held"
    [raised] = _exceptions_for(engine, str(stored["invoice_id"]))
    assert (raised.reason_code, raised.owner_role, raised.status) == (
        "invalid_einvoice",
        "accounts_payable",
        "open",
    )
    assert "BR-CO-10" in raised.detail["rules"] and "BR-CO-10" in raised.title
    # nothing waits for matching: the playbook only picks up "received" invoices
    assert client.get("/api/v1/invoices", params={"status": "received"}).json() == []
    shown = client.get(f"/api/v1/invoices/{stored['invoice_id']}").json()
    assert shown["validation"]["valid"] is False and shown["matches"] == []
    rules = {f["rule"] for f in shown["validation"]["findings"] if f["severity"] == "fatal"}
    assert "BR-CO-10" in rules


def test_a_credit_note_coded_as_invoice_is_flagged_not_stored_negative(
    client: TestClient, engine: sa.Engine, sample_data: Path
) -> None:
    stored = _upload(client, _bad(sample_data, "ubl-credit-note-as-invoice.xml"))
    assert stored["status"] == "held"
    [raised] = _exceptions_for(engine, str(stored["invoice_id"]))
    assert (raised.reason_code, raised.owner_role) == ("credit_note_as_invoice", "accounts_payable")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(invoices.c.amount, invoices.c.status)).all()
    assert [r for r in rows if Decimal(r.amount) < 0 and r.status != "held"] == []
    assert client.get("/api/v1/invoices", params={"status": "received"}).json() == []


def test_a_valid_invoice_is_received_with_its_warnings_kept(
    client: TestClient, sample_data: Path
) -> None:
    stored = _upload(client, sample_data / "einvoice" / "en16931-cii" / "CII_example1.xml")
    assert stored["status"] != "held"  # no open PO: the usual intake exception, not a hold
    validation = stored["validation"]
    assert isinstance(validation, dict)
    assert validation["valid"] is True and validation["fatal"] == 0
    assert [f["rule"] for f in validation["findings"]] == ["PEPPOL-EN16931-R008"]


def test_the_cli_shows_what_validation_found(
    client: TestClient,
    sample_data: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = _upload(client, _bad(sample_data, "ubl-no-seller-vat.xml"))
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    app = typer.Typer()
    app.add_typer(payments.app, name="payments")
    runner = CliRunner()
    try:
        listed = runner.invoke(app, ["payments", "invoices", "--json"])
        one = runner.invoke(app, ["payments", "invoice", str(stored["invoice_id"])])
    finally:
        get_settings.cache_clear()
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert row["status"] == "held" and row["validation"]["fatal"] >= 1
    assert one.exit_code == 0, one.output
    assert "held" in one.stdout and "fatal schematron BR-S-02" in one.stdout
