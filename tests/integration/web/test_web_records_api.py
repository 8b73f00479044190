"""Read-only record lists: pages with X-Total-Count, exact filters, one record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.exception_store import ExceptionQueue
from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


def _open_exceptions(engine: sa.Engine) -> list[str]:
    queue = ExceptionQueue(engine, SqlAuditLog(engine))
    ids = []
    for number, severity in enumerate(("high", "low", "high")):
        opened = queue.raise_exception(
            severity=severity,
            owner_role="buyer",
            reason_code="late_delivery",
            subject_type="po",
            subject_id=f"PO-{number}",
            title=f"PO-{number} is late",
        )
        ids.append(opened["id"])
    return ids


def test_exceptions_come_in_pages_with_the_total_and_filters(
    client: TestClient, engine: sa.Engine
) -> None:
    ids = _open_exceptions(engine)
    headers = bearer_for(engine, "ada", "auditor")
    first = client.get("/api/v1/exceptions", params={"limit": 2}, headers=headers)
    assert first.status_code == 200, first.text
    assert first.headers["X-Total-Count"] == "3" and len(first.json()) == 2
    rest = client.get("/api/v1/exceptions", params={"limit": 2, "offset": 2}, headers=headers)
    assert len(rest.json()) == 1
    assert {e["id"] for e in first.json() + rest.json()} == set(ids)
    high = client.get("/api/v1/exceptions", params={"severity": "high"}, headers=headers)
    assert high.headers["X-Total-Count"] == "2"
    assert {e["subject_id"] for e in high.json()} == {"PO-0", "PO-2"}
    one = client.get(f"/api/v1/exceptions/{ids[1]}", headers=headers).json()
    assert one["title"] == "PO-1 is late" and one["status"] == "open"
    missing = client.get("/api/v1/exceptions/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_documents_answer_an_empty_page_with_a_zero_total(
    client: TestClient, engine: sa.Engine
) -> None:
    headers = bearer_for(engine, "ann", "accounts_payable")
    response = client.get("/api/v1/documents", params={"category": "contract"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == [] and response.headers["X-Total-Count"] == "0"
    assert client.get("/api/v1/documents").status_code == 401
