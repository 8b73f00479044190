"""Contract to pay over REST with the engine running in the API process: upload the
contract, post the receipt, upload the invoice, export the bank file; and a bad upload
in between leaves the server answering and the flow untouched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from lxml import etree

from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.demo.contracts import sample_contract_docx
from procureflow.documents.pain001 import pain001_schema_path
from procureflow.runtime.services import Services
from tests.auth_helpers import bearer_for
from tests.conftest import reset_dbos_tables
from tests.e2e.contract_to_pay_support import (
    add_people,
    approve,
    goods,
    then_listening_again,
    wait_invoice_status,
    wait_listening,
)
from tests.factories_payables import ubl_invoice


@pytest.fixture
def client(engine: sa.Engine, settings: Settings) -> Iterator[TestClient]:
    reset_dbos_tables(settings.database_url)
    headers = bearer_for(engine, "paula", "accounts_payable", "buyer")
    with TestClient(create_app(start_engine=True, settings=settings), headers=headers) as c:
        yield c


def test_the_flow_over_rest(client: TestClient) -> None:
    svc: Services = client.app.state.services  # type: ignore[attr-defined]
    add_people(svc)
    docx = sample_contract_docx()
    uploaded = client.post("/api/v1/contracts", files={"file": ("contract.docx", docx)})
    assert uploaded.status_code == 201, uploaded.text
    contract = uploaded.json()["contract"]
    [instance_id] = uploaded.json()["event"]["started"]
    again = client.post("/api/v1/contracts", files={"file": ("copy.docx", docx)})
    assert again.json()["created"] is False and again.json()["event"]["started"] == []
    approve(svc, instance_id, "purchase_order")
    wait_listening(svc, instance_id)
    shown = client.get(f"/api/v1/contracts/{contract['contract_id']}").json()
    po_number = shown["po_number"]
    assert len(shown["milestones"]) == 2 and len(shown["certificates"]) == 2

    posted = then_listening_again(
        svc,
        instance_id,
        lambda: client.post(
            "/api/v1/receipts",
            json={"receipt_id": "GR-1", "po_number": po_number, "lines": {"1": "20"}},
        ),
    )
    assert posted.status_code == 201, posted.text
    bad = client.post(
        "/api/v1/invoices",
        files={
            "file": (
                "bad.xml",
                ubl_invoice(number="B-1", po_number=po_number, lines=[goods()], currency="ABC"),
            )
        },
    )
    assert bad.status_code == 422 and "'ABC'" in bad.json()["detail"]
    invoice = client.post(
        "/api/v1/invoices",
        files={
            "file": (
                "inv.xml",
                ubl_invoice(
                    number="NW-1",
                    po_number=po_number,
                    lines=[goods()],
                    issue_date=date.today().isoformat(),
                ),
            )
        },
    )
    assert invoice.status_code == 201, invoice.text
    invoice_id = invoice.json()["invoice"]["invoice_id"]
    approve(svc, instance_id, "payment")
    wait_invoice_status(svc, invoice_id, "authorised")
    detail = client.get(f"/api/v1/invoices/{invoice_id}").json()
    assert detail["matches"][0]["reason_codes"] == ["matched"]
    assert [i["invoice_id"] for i in client.get("/api/v1/invoices").json()] == [invoice_id]

    exported = client.post(
        "/api/v1/payments/export",
        json={"debtor_name": "Hanse Maschinenbau AG", "debtor_iban": "DE02120300000000202051"},
    )
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/xml")
    schema = etree.XMLSchema(etree.parse(str(pain001_schema_path())))
    assert schema.validate(etree.fromstring(exported.content)), schema.error_log
    assert [p["status"] for p in client.get("/api/v1/payments").json()] == ["exported"]
