"""``/api/v1/documents``: upload, co-sign in order, verify, and problems for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.api.routers.documents import get_documents
from procureflow.config import Settings
from tests.factories_documents import encrypted_pdf, text_pdf


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data")
    app = create_app(start_engine=False, settings=settings)
    users = UserStore(engine, SqlAuditLog(engine))
    users.add("buyer", display_name="Buyer", roles=["buyer"])
    token = users.issue_token("buyer")
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as test_client:
        yield test_client


def _upload(client: TestClient, data: bytes, name: str) -> dict[str, object]:
    response = client.post("/api/v1/documents", files={"file": (name, data, "application/pdf")})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_upload_sign_in_order_and_verify(client: TestClient) -> None:
    doc = _upload(client, text_pdf(1, "Framework agreement"), "framework.pdf")
    assert doc["media_type"] == "application/pdf"
    # without signing keys the session cannot open, and the problem says what to do
    session = client.post(
        f"/api/v1/documents/{doc['sha256']}/signing-sessions", json={"category": "contract"}
    )
    assert session.status_code == 404 and "keys init" in session.json()["detail"]
    profiles = client.get("/api/v1/documents/profiles").json()
    assert {p["category"] for p in profiles} >= {"contract", "nda"}
    get_documents(client.app.state.services).init_keys(actor="admin")  # type: ignore[attr-defined]
    session = client.post(
        f"/api/v1/documents/{doc['sha256']}/signing-sessions", json={"category": "contract"}
    )
    assert session.status_code == 201, session.text
    body = session.json()
    assert body["next_signer"] == "contract-procurement"
    draft = client.get(f"/api/v1/documents/{body['draft_sha256']}/content")
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF-")
    wrong = client.post(
        f"/api/v1/documents/signing-sessions/{body['id']}/sign",
        json={"profile": "contract-finance"},
    )
    assert wrong.status_code == 409
    assert wrong.headers["content-type"].startswith("application/problem+json")
    for _ in range(2):
        signed = client.post(f"/api/v1/documents/signing-sessions/{body['id']}/sign", json={})
        assert signed.status_code == 200, signed.text
    final = signed.json()
    assert final["status"] == "completed"
    report = client.get(f"/api/v1/documents/{final['document']['sha256']}/verify").json()
    assert report["valid"] and report["signature_count"] == 2
    history = client.get(f"/api/v1/documents/{final['document']['sha256']}").json()["history"]
    assert history[0]["operation"] == "sign" and history[0]["actor"] == "buyer"


def test_bad_uploads_and_unknown_documents_are_problems(client: TestClient) -> None:
    locked = client.post(
        "/api/v1/documents", files={"file": ("locked.pdf", encrypted_pdf(), "application/pdf")}
    )
    assert locked.status_code == 422
    assert "encrypted PDF" in locked.json()["detail"]
    missing = client.get("/api/v1/documents/" + "0" * 64 + "/verify")
    assert missing.status_code == 404
    unauthenticated = client.post(
        "/api/v1/documents/merge", json={"documents": ["x"]}, headers={"Authorization": ""}
    )
    assert unauthenticated.status_code == 401


def test_verify_an_uploaded_file_without_storing_it(client: TestClient) -> None:
    unsigned = client.post(
        "/api/v1/documents/verify", files={"file": ("x.pdf", text_pdf(1), "application/pdf")}
    )
    assert unsigned.status_code == 200
    assert unsigned.json()["valid"] is False
    assert unsigned.json()["problems"] == ["the document carries no signature"]
    junk = client.post(
        "/api/v1/documents/verify", files={"file": ("x.pdf", b"MZ\x90\x00", "application/pdf")}
    )
    assert junk.status_code == 422 and "not a PDF" in junk.json()["detail"]
