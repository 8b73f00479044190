"""A contract co-signed in the platform becomes a signed contract: the completed
session's final PDF is read for its terms; an unfinished session is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.tables import events
from procureflow.api.app import create_app
from procureflow.api.routers.documents import get_documents
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.factories_payables import lines_pdf

CONTRACT = [
    [
        "SERVICE AGREEMENT",
        "Agreement No. SA-88",
        "Supplier: Acme Services GmbH, VAT ID DE123456789",
        "Buyer: Hanse Maschinenbau AG",
        "The contract price is EUR 9,000.00.",
        "Payment terms: net 30.",
    ]
]


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    headers = bearer_for(engine, "lea", "legal", "buyer")
    with TestClient(app, headers=headers) as test_client:
        yield test_client


def test_a_completed_signing_session_records_the_contract(
    client: TestClient, engine: sa.Engine
) -> None:
    uploaded = client.post(
        "/api/v1/documents", files={"file": ("sa-88.pdf", lines_pdf(CONTRACT), "application/pdf")}
    )
    assert uploaded.status_code == 201, uploaded.text
    get_documents(client.app.state.services).init_keys(actor="admin")  # type: ignore[attr-defined]
    session = client.post(
        f"/api/v1/documents/{uploaded.json()['sha256']}/signing-sessions",
        json={"category": "contract"},
    ).json()
    early = client.post(f"/api/v1/contracts/from-signing/{session['id']}")
    assert early.status_code == 409 and "not complete" in early.json()["detail"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one() == 0
    for _ in range(2):
        signed = client.post(f"/api/v1/documents/signing-sessions/{session['id']}/sign", json={})
        assert signed.status_code == 200, signed.text
    recorded = client.post(f"/api/v1/contracts/from-signing/{session['id']}")
    assert recorded.status_code == 201, recorded.text
    contract = recorded.json()["contract"]
    assert contract["origin"] == "signing"
    assert contract["source_name"] == "sa-88.pdf"
    assert (contract["supplier_name"], contract["value"]) == (
        "Acme Services GmbH",
        {"amount": "9000.00", "currency": "EUR"},
    )
