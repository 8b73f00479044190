"""REST: list, acknowledge and resolve exceptions; run a monitor pass; roles enforced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.exception_store import ExceptionQueue
from procureflow.adapters.importers import MasterDataImporter, import_demo_master_data
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.domain.master import ImportContext
from tests.auth_helpers import bearer_for


@pytest.fixture
def app(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    import_demo_master_data(MasterDataImporter(engine, ImportContext(base_currency="EUR")))
    created = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    with TestClient(created) as client:
        yield client


def _raise(engine: sa.Engine, owner_role: str = "accounts_payable") -> str:
    return str(
        ExceptionQueue(engine, SqlAuditLog(engine)).raise_exception(
            severity="high",
            owner_role=owner_role,
            reason_code="invoice.mismatch",
            subject_type="invoice",
            subject_id="INV-7",
            title="INV-7 does not match PO-3",
        )["id"]
    )


def test_the_owner_role_acknowledges_and_resolves(app: TestClient, engine: sa.Engine) -> None:
    exception_id = _raise(engine)
    ap = bearer_for(engine, "paula", "accounts_payable")
    buyer = bearer_for(engine, "bob", "buyer")
    listed = app.get("/api/v1/exceptions", headers=buyer, params={"owner_role": "accounts_payable"})
    assert [e["id"] for e in listed.json()] == [exception_id]

    refused = app.post(f"/api/v1/exceptions/{exception_id}/ack", headers=buyer)
    assert refused.status_code == 403
    assert "belongs to accounts_payable" in refused.json()["detail"]

    acked = app.post(f"/api/v1/exceptions/{exception_id}/ack", headers=ap)
    assert acked.status_code == 200 and acked.json()["acked_by"] == "paula"
    done = app.post(
        f"/api/v1/exceptions/{exception_id}/resolve",
        headers=ap,
        json={"resolution": {"credit_note": "CN-1"}, "note": "supplier credited"},
    )
    assert done.status_code == 200
    assert done.json()["resolution"] == {"credit_note": "CN-1", "note": "supplier credited"}
    again = app.post(f"/api/v1/exceptions/{exception_id}/resolve", headers=ap, json={})
    assert again.status_code == 409 and "already resolved by paula" in again.json()["detail"]
    assert app.get("/api/v1/exceptions", headers=ap, params={"status": "open"}).json() == []


def test_operators_run_a_pass_as_of_a_date(app: TestClient, engine: sa.Engine) -> None:
    operator = bearer_for(engine, "olga", "orchestrator")
    buyer = bearer_for(engine, "bob", "buyer")
    body = {"monitors": ["certificates"], "as_of": "2027-01-15T06:00:00Z"}
    assert app.post("/api/v1/exceptions/monitors/run", headers=buyer, json=body).status_code == 403
    (run,) = app.post("/api/v1/exceptions/monitors/run", headers=operator, json=body).json()
    assert run["monitor"] == "certificates" and run["found"]["findings"] > 0
    runs = app.get("/api/v1/exceptions/monitors/runs", headers=buyer).json()
    assert [r["id"] for r in runs] == [run["id"]]
    listed = app.get("/api/v1/exceptions", headers=buyer, params={"limit": 500})
    assert listed.headers["X-Total-Count"] == str(run["actions"]["exceptions_opened"])


def test_bad_requests_are_problems_naming_the_field(app: TestClient, engine: sa.Engine) -> None:
    operator = bearer_for(engine, "olga", "orchestrator")
    unknown = app.post(
        "/api/v1/exceptions/monitors/run", headers=operator, json={"monitors": ["weather"]}
    )
    assert unknown.status_code == 422 and "unknown monitor 'weather'" in unknown.json()["detail"]
    naive = app.post(
        "/api/v1/exceptions/monitors/run", headers=operator, json={"as_of": "2027-01-15T06:00:00"}
    )
    assert naive.status_code == 422 and "time zone" in naive.json()["detail"]
    assert app.get("/api/v1/exceptions/ex-nope", headers=operator).status_code == 404
    assert app.post("/api/v1/exceptions/ex-nope/ack", headers=operator).status_code == 404
    assert app.get("/api/v1/exceptions/monitors/runs", headers=operator).json() == []
