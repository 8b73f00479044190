"""Bad uploads to the payables API: a clear problem+json naming what is wrong, nothing
stored, and the server still answering."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.tables import events
from procureflow.adapters.db.tables_payables import invoices, signed_contracts
from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.factories_payables import Line, lines_pdf, ubl_invoice

ONE = Line("1", "Conveyor module", Decimal(1), Decimal("10.00"))
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&secret;</Invoice>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>"""


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    headers = bearer_for(engine, "paul", "accounts_payable")
    with TestClient(app, headers=headers) as test_client:
        yield test_client


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _truncated_facturx(samples: Path) -> bytes:
    data = (samples / "einvoice" / "factur-x" / "Facture_FR_BASICWL.pdf").read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "build", "says"),
    [
        ("xxe.xml", lambda _s: XXE, "entit"),
        ("laughs.xml", lambda _s: LAUGHS, "entit"),
        ("plain.pdf", lambda _s: lines_pdf([["Just a letter, no invoice inside."]]), "no embedded"),
        ("cut.pdf", _truncated_facturx, "truncated"),
        (
            "xyz.xml",
            lambda _s: ubl_invoice(number="X-1", po_number="PO-1", lines=[ONE], currency="XYZ"),
            "'XYZ' is not an ISO 4217",
        ),
    ],
)
def test_a_bad_invoice_is_refused_with_its_reason_and_nothing_is_stored(
    client: TestClient, engine: sa.Engine, sample_data: Path, name: str, build: object, says: str
) -> None:
    data = build(sample_data)  # type: ignore[operator]
    response = client.post("/api/v1/invoices", files={"file": (name, data)})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert says in problem["detail"] and name in problem["detail"]
    assert problem["code"] == "document-rejected"
    assert _count(engine, invoices) == 0 and _count(engine, events) == 0
    assert client.get("/api/v1/invoices").json() == []


def test_a_100_mb_upload_is_refused_with_413_and_the_server_keeps_answering(
    client: TestClient, engine: sa.Engine
) -> None:
    huge = b"<" + b" " * (100 * 1024 * 1024)
    response = client.post("/api/v1/invoices", files={"file": ("huge.xml", huge)})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "larger than the limit of 104857600 bytes" in response.json()["detail"]
    assert _count(engine, invoices) == 0
    assert client.get("/api/v1/invoices").status_code == 200


def test_a_contract_that_is_no_contract_is_refused_and_not_recorded(
    client: TestClient, engine: sa.Engine
) -> None:
    letter = lines_pdf([["Dear Sir or Madam, thank you for your letter."]])
    response = client.post("/api/v1/contracts", files={"file": ("letter.pdf", letter)})
    assert response.status_code == 422
    assert "supplier, value, payment_terms" in response.json()["detail"]
    assert _count(engine, signed_contracts) == 0 and _count(engine, events) == 0
    broken = client.post("/api/v1/contracts", files={"file": ("cut.pdf", letter[:200])})
    assert broken.status_code == 422 and "truncated" in broken.json()["detail"]


def test_receipts_for_an_unknown_po_are_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/receipts", json={"receipt_id": "GR-9", "po_number": "PO-NONE", "lines": {"1": 2}}
    )
    assert response.status_code == 404
    assert "PO-NONE" in response.json()["detail"]


def test_a_facturx_invoice_for_no_known_po_is_kept_and_queued_for_accounts_payable(
    client: TestClient, engine: sa.Engine, sample_data: Path
) -> None:
    data = (sample_data / "einvoice" / "factur-x" / "Facture_FR_BASICWL.pdf").read_bytes()
    response = client.post("/api/v1/invoices", files={"file": ("facture.pdf", data)})
    assert response.status_code == 201, response.text
    invoice = response.json()["invoice"]
    assert invoice["status"] == "exception"
    queued = client.get(
        "/api/v1/exceptions",
        params={"subject_type": "invoice", "subject_id": invoice["invoice_id"]},
    )
    assert queued.status_code == 200, queued.text
    [exception] = queued.json() if isinstance(queued.json(), list) else queued.json()["items"]
    assert (exception["reason_code"], exception["owner_role"]) == ("missing_po", "accounts_payable")
