"""Signed confirm/decline links: forged, expired and repeated answers; supplier mail sent
through a real SMTP server on loopback, and the link in it answering the request."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.event_store import EventStore
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.errors import Forbidden
from procureflow.runtime.disruption_links import LinkExpired, RfqClaim, sign_rfq, verify_rfq
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import (
    approve,
    click,
    demo_mail,
    ingest,
    pending_approval,
    prepare,
    rfq_round,
    wait_for,
    wait_until,
)

SECRET = "test-secret-for-links"


def _claim(**changes: Any) -> RfqClaim:
    values: dict[str, Any] = {
        "rfq_id": "RFQ-1",
        "round_id": "R-1",
        "supplier_id": "SUP-KOWALSKI",
        "instance_id": "in-1",
        "expected": 1,
        "expires_at": datetime.now(UTC) + timedelta(hours=1),
        **changes,
    }
    return RfqClaim(**values)


def test_a_link_verifies_only_unaltered_and_unexpired() -> None:
    token = sign_rfq(_claim(), SECRET)
    assert verify_rfq(token, SECRET).supplier_id == "SUP-KOWALSKI"
    payload, _, signature = token.partition(".")
    other = sign_rfq(_claim(supplier_id="SUP-VOLTA"), SECRET).partition(".")[0]
    with pytest.raises(Forbidden, match="signature does not match"):
        verify_rfq(f"{other}.{signature}", SECRET)
    with pytest.raises(Forbidden, match="signature does not match"):
        verify_rfq(token, "another-secret")
    with pytest.raises(Forbidden, match="not a valid"):
        verify_rfq("garbage", SECRET)
    expired = sign_rfq(_claim(expires_at=datetime.now(UTC) - timedelta(seconds=1)), SECRET)
    with pytest.raises(LinkExpired, match="expired"):
        verify_rfq(expired, SECRET)


@pytest.fixture
def api(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key=SECRET)
    with TestClient(create_app(start_engine=False, settings=settings)) as client:
        yield client


def test_the_link_endpoints_record_the_first_answer_only(
    api: TestClient, engine: sa.Engine
) -> None:
    token = sign_rfq(_claim(), SECRET)
    first = api.post(f"/api/v1/rfq/{token}/decline", params={"reason": "no capacity"})
    assert first.status_code == 200, first.text
    assert first.json()["recorded"] is True and first.json()["decision"] == "declined"
    again = api.post(f"/api/v1/rfq/{token}/confirm")
    assert again.status_code == 200
    assert again.json() == {
        "rfq_id": "RFQ-1",
        "supplier_id": "SUP-KOWALSKI",
        "decision": "declined",
        "recorded": False,
        "message": "RFQ-1 was already answered (declined); nothing changed.",
    }
    stored = EventStore(engine, SqlAuditLog(engine)).get("procureflow/rfq", "RFQ-1")
    assert stored is not None
    assert stored["envelope"]["type"] == "supplier.declined"
    assert stored["envelope"]["data"]["round"] == "R-1"
    assert stored["envelope"]["data"]["reason"] == "no capacity"


def test_forged_and_expired_links_are_problems(api: TestClient) -> None:
    forged = sign_rfq(_claim(), "not-our-secret")
    expired = sign_rfq(_claim(expires_at=datetime.now(UTC) - timedelta(minutes=1)), SECRET)
    for send in (api.post, lambda url: api.get(url, headers=JSON)):
        response = send(f"/api/v1/rfq/{forged}/confirm")
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "signature" in response.json()["detail"]
        response = send(f"/api/v1/rfq/{expired}/confirm")
        assert response.status_code == 410 and "expired" in response.json()["detail"]
    page = api.get(f"/api/v1/rfq/{expired}/confirm")
    assert page.status_code == 410 and "expired" in page.text and "<form" not in page.text


JSON = {"Accept": "application/json"}


def _stored(engine: sa.Engine) -> dict[str, Any] | None:
    return EventStore(engine, SqlAuditLog(engine)).get("procureflow/rfq", "RFQ-1")


def _form(page: str) -> dict[str, str]:
    """The hidden fields of the answer form on a link's page."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert set(fields) == {"token", "csrf_token"}, page
    return fields


def test_get_on_confirm_link_changes_nothing(api: TestClient, engine: sa.Engine) -> None:
    token = sign_rfq(_claim(), SECRET)
    for path in (f"/api/v1/rfq/{token}/confirm", f"/api/v1/rfq/{token}/decline"):
        page = api.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "RFQ-1" in page.text and "SUP-KOWALSKI" in page.text
        assert 'method="post"' in page.text
        assert 'id="confirm"' in page.text and 'id="decline"' in page.text
        assert api.head(path).status_code in (200, 405)
    summary = api.get(f"/api/v1/rfq/{token}/confirm", headers=JSON)
    assert summary.status_code == 200
    assert summary.json()["rfq_id"] == "RFQ-1" and summary.json()["answered"] is None
    assert _stored(engine) is None


def test_the_page_answers_with_a_post_of_its_form(api: TestClient, engine: sa.Engine) -> None:
    token = sign_rfq(_claim(), SECRET)
    page = api.get(f"/api/v1/rfq/{token}/decline")
    fields = _form(page.text)
    assert fields["token"] == token
    answered = api.post(
        "/rfq/answer",
        data={**fields, "decision": "declined", "reason": "no capacity"},
        headers={"Origin": str(api.base_url)},
    )
    assert answered.status_code == 200, answered.text
    assert "RFQ-1 is declined" in answered.text and 'data-recorded="true"' in answered.text
    stored = _stored(engine)
    assert stored is not None and stored["envelope"]["data"]["reason"] == "no capacity"
    again = api.get(f"/api/v1/rfq/{token}/confirm")
    assert "already answered (declined)" in again.text and "<form" not in again.text


def test_a_cross_site_post_is_refused(api: TestClient, engine: sa.Engine) -> None:
    token = sign_rfq(_claim(), SECRET)
    fields = _form(api.get(f"/api/v1/rfq/{token}/confirm").text)
    evil = {"Origin": "https://evil.example"}
    refused = api.post("/rfq/answer", data={**fields, "decision": "confirmed"}, headers=evil)
    assert refused.status_code == 403 and "another site" in refused.text
    referer = {"Referer": "https://evil.example/page"}
    refused = api.post("/rfq/answer", data={**fields, "decision": "confirmed"}, headers=referer)
    assert refused.status_code == 403
    no_csrf = {"token": token, "decision": "confirmed"}
    assert api.post("/rfq/answer", data=no_csrf).status_code == 403
    other = sign_rfq(_claim(rfq_id="RFQ-2"), SECRET)
    wrong_page = {**fields, "token": other, "decision": "confirmed"}
    assert api.post("/rfq/answer", data=wrong_page).status_code == 403
    problem = api.post(f"/api/v1/rfq/{token}/confirm", headers=evil)
    assert problem.status_code == 403
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert _stored(engine) is None
    bad = api.post("/rfq/answer", data={**fields, "decision": "maybe"})
    assert bad.status_code == 422 and _stored(engine) is None


class _Inbox:
    """An SMTP server's handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ARG002
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_inbox: tuple[_Inbox, int]) -> Settings:
    """The test settings with the loopback SMTP server as relay."""
    import uuid

    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        executor_id=f"test-{uuid.uuid4().hex[:8]}",
        application_version="test",
        smtp_host="127.0.0.1",
        smtp_port=smtp_inbox[1],
        smtp_sender="einkauf@nordhafen-pumpen.example",
        _env_file=None,  # type: ignore[call-arg]
    )


def test_supplier_mail_goes_through_smtp_and_its_link_answers(
    runtime: Services, smtp_inbox: tuple[_Inbox, int]
) -> None:
    inbox, _ = smtp_inbox
    store = prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    approve(runtime, pending_approval(runtime, instance_id))
    rfq_round(runtime, instance_id)  # the request is sent (and mailed) in that step

    def rfq_mail() -> email.message.EmailMessage | None:
        return next(
            (m for m in inbox.messages if str(m["Subject"]).startswith("Request for quote")),
            None,
        )

    message = wait_until(rfq_mail, "the request for quote in the SMTP inbox")
    assert message["To"] == "sprzedaz@kowalski-em.example"
    assert message["From"] == "einkauf@nordhafen-pumpen.example"
    body = message.get_content()
    assert "MTR-7K5-400: 1660 pcs" in body
    confirm = re.search(r"Confirm: (\S+)", body)
    assert confirm is not None
    assert click(runtime, confirm.group(1))["recorded"] is True

    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"]["outcome"] == "executed", data.get("error")
    subjects = sorted(str(m["Subject"]) for m in inbox.messages)
    number = store.list(origin=instance_id)[0].po.po_number
    assert subjects == sorted(
        [
            str(message["Subject"]),
            f"Purchase order {number}",
            "Change to purchase order PO-2026-0412",
        ]
    )
    assert set(data["output"]["execution"]["messages"].values()) == {"sent"}


def test_links_use_the_public_url_when_one_is_set(runtime: Services) -> None:
    from procureflow.runtime.disruption_execution import link_base
    from procureflow.runtime.disruption_functions import DisruptionDesk

    desk = DisruptionDesk(runtime)
    assert link_base(desk).startswith(f"http://{runtime.settings.host}:{runtime.settings.port}/")
    runtime.settings = runtime.settings.model_copy(
        update={"public_url": "https://procure.example.com/"}
    )
    assert link_base(DisruptionDesk(runtime)) == "https://procure.example.com/api/v1/rfq"
