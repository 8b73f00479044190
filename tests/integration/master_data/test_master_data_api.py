"""``/api/v1/master-data``: uploads all-or-nothing with problem+json errors, and lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.demo import demo_files
from tests.auth_helpers import bearer_for


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    reader = bearer_for(engine, "reader", "auditor")
    with TestClient(app, headers=reader) as test_client:
        yield test_client


def _token(engine: sa.Engine, user: str, role: str) -> dict[str, str]:
    users = UserStore(engine, SqlAuditLog(engine))
    users.add(user, roles=[role])
    return {"Authorization": f"Bearer {users.issue_token(user)}"}


def test_a_buyer_uploads_the_demo_files_and_reads_them_back(
    client: TestClient, engine: sa.Engine
) -> None:
    headers = _token(engine, "bea", "buyer")
    for kind, name, content in demo_files():
        response = client.post(
            f"/api/v1/master-data/{kind}",
            files={"file": (name, content, "text/csv")},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["created"] > 0
    suppliers = client.get("/api/v1/master-data/suppliers", params={"limit": 2}).json()
    assert [s["supplier_id"] for s in suppliers] == ["SUP-ATLAS", "SUP-BRANDT"]
    assert suppliers[0]["certifications"] == [{"name": "ISO 9001", "expiry": "2026-12-20"}]
    overview = client.get("/api/v1/master-data").json()
    assert (
        overview["items"]["count"] == 12 and "daily_demand" in overview["items"]["required_headers"]
    )
    entries = list(SqlAuditLog(engine).entries("master-data"))
    assert entries[0].actor == "bea"


def test_a_bad_row_is_a_problem_naming_file_row_and_column(
    client: TestClient, engine: sa.Engine
) -> None:
    headers = _token(engine, "bea", "buyer")
    csv = b"currency,rate_to_base,date\nUSD,0.92,2026-11-20\nGBP,=1+1,2026-11-20\n"
    response = client.post(
        "/api/v1/master-data/fx", files={"file": ("rates.csv", csv)}, headers=headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"].startswith(
        "rates.csv row 3 column rate_to_base: looks like a spreadsheet formula"
    )
    assert client.get("/api/v1/master-data/fx").json() == []


def test_uploads_need_a_signed_in_user_with_a_purchasing_role(
    client: TestClient, engine: sa.Engine
) -> None:
    name, content = demo_files()[0][1:]
    anonymous = client.post(
        "/api/v1/master-data/suppliers",
        files={"file": (name, content)},
        headers={"Authorization": ""},
    )
    assert anonymous.status_code == 401
    auditor = client.post(
        "/api/v1/master-data/suppliers",
        files={"file": (name, content)},
        headers=_token(engine, "al", "auditor"),
    )
    assert auditor.status_code == 403
    assert client.get("/api/v1/master-data/suppliers").json() == []


def test_an_unknown_kind_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/master-data/vendors")
    assert response.status_code == 422
    assert "known: suppliers, items" in response.json()["detail"]
