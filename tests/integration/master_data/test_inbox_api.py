"""``POST /api/v1/inbox/email``: raw supplier mail in, the Risk Monitor's reading out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.importers import MasterDataImporter, import_demo_master_data
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.demo import demo_emails
from procureflow.domain.master import ImportContext
from tests.auth_helpers import bearer_for

RFC822 = {"Content-Type": "message/rfc822"}


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    import_demo_master_data(MasterDataImporter(engine, ImportContext(base_currency="EUR")))
    app = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    operator = bearer_for(engine, "olga", "orchestrator")
    with TestClient(app, headers=operator) as test_client:
        yield test_client


def test_a_delay_notice_is_read_with_its_impact(client: TestClient) -> None:
    response = client.post(
        "/api/v1/inbox/email",
        content=demo_emails()["02_delay_de_brandt_housings.eml"],
        headers=RFC822,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["classification"] == "delay_notice" and body["supplier_id"] == "SUP-BRANDT"
    assert body["delay"]["days"] == 10 and body["impacts"][0]["sku"] == "HSG-GG25-100"
    assert body["email"]["message_id"] == "<a8d2f1c0-2026-1123@giesserei-brandt.example>"


def test_an_unreadable_mail_is_a_problem_and_kept(client: TestClient, tmp_path: Path) -> None:
    broken = b"From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n"
    response = client.post("/api/v1/inbox/email", content=broken, headers=RFC822)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "document-rejected" and "broken MIME structure" in problem["detail"]
    kept = [
        p for p in (tmp_path / "documents" / "quarantine").iterdir() if not p.name.endswith(".txt")
    ]
    assert [p.read_bytes() for p in kept] == [broken]


def test_a_mail_whose_last_part_is_cut_is_refused_kept_and_starts_nothing(
    client: TestClient, tmp_path: Path
) -> None:
    whole = demo_emails()["01_delay_en_huaxin_motors.eml"]
    cut = whole[: whole.rindex(b"--===============3637974707102449196==--") - 40]
    response = client.post("/api/v1/inbox/email", content=cut, headers=RFC822)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "broken MIME structure" in response.json()["detail"]
    kept = [
        p for p in (tmp_path / "documents" / "quarantine").iterdir() if not p.name.endswith(".txt")
    ]
    assert [p.read_bytes() for p in kept] == [cut]
    listed = client.get("/api/v1/instances")
    assert listed.status_code == 200 and listed.json() == []


def test_an_oversized_mail_is_refused_and_kept_whole(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCUREFLOW_EMAIL_MAX_BYTES", "2000")
    raw = b"From: a@b.example\r\nSubject: big\r\n\r\n" + b"x" * 5000
    response = client.post("/api/v1/inbox/email", content=raw, headers=RFC822)
    assert response.status_code == 422 and "the limit is 2000 bytes" in response.json()["detail"]
    kept = [
        p for p in (tmp_path / "documents" / "quarantine").iterdir() if not p.name.endswith(".txt")
    ]
    assert [p.read_bytes() for p in kept] == [raw]


def test_a_possible_delay_is_raised_for_a_person_once(client: TestClient) -> None:
    mail = (
        b"From: Order Desk <auftrag@isar-elektronik.example>\r\n"
        b"Subject: PCB-CTRL-4 on PO-2026-0420\r\nMessage-ID: <maybe-late@isar.example>\r\n"
        b"Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n\r\n"
        b"Hello, the PCB-CTRL-4 boards on PO-2026-0420 could be late: our chip supplier\r\n"
        b"has not confirmed his ship date yet. We will update you on Friday.\r\n"
    )
    response = client.post("/api/v1/inbox/email", content=mail, headers=RFC822)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["classification"] == "other" and body["needs_person"] is True
    assert body["playbook"]["started"] == [] and body["playbook"]["exception"]["created"]
    again = client.post("/api/v1/inbox/email", content=mail, headers=RFC822).json()
    assert again["playbook"]["exception"]["id"] == body["playbook"]["exception"]["id"]
    assert not again["playbook"]["exception"]["created"]
    listed = client.get("/api/v1/exceptions").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    (raised,) = [e for e in items if e["reason_code"] == "mail.needs_person"]
    assert raised["subject_type"] == "email" and raised["detail"]["skus"] == ["PCB-CTRL-4"]
    assert raised["occurrences"] == 2
