"""Bad text that arrives inside what the app decodes itself (a signed link, a CSV list, an
OCDS release, a raw mail) and on the dashboard's pages: a 4xx naming it, never a 500.

Each of these answered 500 on PostgreSQL (which refuses NUL in text) or on both databases
(a non-ASCII link token) before it was checked where the text is decoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.integration.web.test_web_access import login_post


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key="test-secret")
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


@pytest.fixture
def headers(engine: sa.Engine) -> dict[str, str]:
    return bearer_for(engine, "root", "admin", "compliance")


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("answer", ["confirm", "decline"])
def test_non_ascii_rfq_token_is_a_403_not_a_500(client: TestClient, answer: str) -> None:
    # no login: the link is the supplier's authority
    for token in ("é.x", "eyJx.sïg", "ü"):
        url = f"/api/v1/rfq/{token}/{answer}"
        for response in (client.get(url, headers={"Accept": "application/json"}), client.post(url)):
            problem = _problem(response, 403)
            assert "not a valid ProcureFlow confirmation link" in problem["detail"]


def test_nul_byte_in_denied_party_csv_is_a_422_on_postgres(
    client: TestClient, headers: dict[str, str]
) -> None:
    files = {"file": ("list.csv", b"name,country\nAcme\x00Corp,DE\n", "text/csv")}
    response = client.post("/api/v1/contracts/screening/eu", headers=headers, files=files)
    problem = _problem(response, 422)
    assert "NUL" in problem["detail"] and "eu" in problem["detail"]


def test_nul_byte_in_ocds_release_is_a_422_on_postgres(
    client: TestClient, headers: dict[str, str]
) -> None:
    release = {"releases": [{"tag": ["contract"], "ocid": "ocds-1\u0000", "contracts": []}]}
    files = {"file": ("release.json", json.dumps(release).encode(), "application/json")}
    problem = _problem(client.post("/api/v1/contracts/ocds", headers=headers, files=files), 422)
    assert "/releases/0/ocid" in problem["detail"] and "NUL" in problem["detail"]


MAIL = (
    b"From: Supplier <sales@acme.example>\r\nTo: buyer@procureflow.example\r\n"
    b"Subject: {subject}\r\nMessage-ID: <m-1@acme.example>\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
    b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n{text}\r\n"
    b"--XX\r\nContent-Type: application/octet-stream\r\n"
    b'Content-Disposition: attachment; filename="data.bin"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nAAECAwAA\r\n--XX--\r\n"
)


def _mail(subject: bytes, text: bytes) -> bytes:
    return MAIL.replace(b"{subject}", subject).replace(b"{text}", text)


@pytest.mark.parametrize(
    ("subject", "text", "where"),
    [
        (b"=?utf-8?q?Delay=00notice?=", b"Order PO-1 is late.", "Subject header"),
        (b"Delay notice", b"Order PO-1=00 is late.", "text/plain part"),
    ],
)
def test_nul_byte_decoded_from_a_mail_is_a_422_on_postgres(
    client: TestClient, headers: dict[str, str], subject: bytes, text: bytes, where: str
) -> None:
    response = client.post(
        "/api/v1/inbox/email",
        headers={**headers, "Content-Type": "message/rfc822"},
        content=_mail(subject, text),
    )
    problem = _problem(response, 422)
    assert where in problem["detail"] and "NUL" in problem["detail"]


def test_a_mail_with_nul_bytes_in_a_binary_attachment_is_read(
    client: TestClient, headers: dict[str, str]
) -> None:
    # the attachment decodes to bytes with NUL in them: binary content, not refused
    response = client.post(
        "/api/v1/inbox/email",
        headers={**headers, "Content-Type": "message/rfc822"},
        content=_mail(b"Delay notice", b"Order PO-1 is late by two weeks."),
    )
    assert response.status_code == 200, response.text
    assert response.json()["email"]["attachments"] == ["data.bin"]


def _session(client: TestClient, engine: sa.Engine) -> None:
    token = bearer_for(engine, "olga", "orchestrator")["Authorization"].removeprefix("Bearer ")
    response = login_post(client, "olga", token)
    assert response.status_code == 303


def _bad_page(response: Any) -> str:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


@pytest.mark.parametrize("path", ["/instances/a%00b", "/instances/a%FFb", "/playbooks/a%00b"])
def test_nul_byte_in_a_page_path_is_a_400_page_on_postgres(
    client: TestClient, engine: sa.Engine, path: str
) -> None:
    _session(client, engine)
    page = _bad_page(client.get(path))
    assert "path parameter" in page


@pytest.mark.parametrize("query", ["status=a%00b", "status=%FF"])
def test_bad_text_in_a_page_query_is_a_400_page(
    client: TestClient, engine: sa.Engine, query: str
) -> None:
    _session(client, engine)
    assert "query parameter &#x27;status&#x27;" in _bad_page(client.get(f"/?{query}"))


def test_nul_byte_in_the_login_form_is_a_400_page_on_postgres(client: TestClient) -> None:
    response = client.post("/login", data={"token": "pf_a\x00b", "next": "/"})
    assert "form field &#x27;token&#x27;" in _bad_page(response)


def _asgi_get(
    app: Any, headers: list[tuple[bytes, bytes]], path: str = "/api/v1/instances"
) -> tuple[int, dict[str, Any]]:
    """One request straight through the ASGI app (an HTTP client would re-encode headers)."""
    import asyncio

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    if not path.startswith("/api/"):
        return sent[0]["status"], {"detail": body.decode()}  # a page
    return sent[0]["status"], json.loads(body)


@pytest.mark.parametrize(
    ("name", "value"),
    [(b"authorization", b"Bearer \xff\xfe"), (b"x-csrf-token", b"a\x00b"), (b"cookie", b"pf=\xc3")],
)
def test_bad_bytes_in_a_header_the_app_reads_is_a_400(
    client: TestClient, name: bytes, value: bytes
) -> None:
    status, problem = _asgi_get(client.app, [(b"host", b"testserver"), (name, value)])
    assert status == 400, problem
    assert problem["code"] == "invalid-text" and name.decode() in problem["detail"]


def test_a_text_body_over_the_limit_is_a_413(
    client: TestClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from procureflow.api import input_guard

    monkeypatch.setattr(input_guard, "TEXT_BODY_LIMIT", 1000)
    body = {"playbook": "x" * 2000}
    problem = _problem(client.post("/api/v1/instances", headers=headers, json=body), 413)
    assert problem["code"] == "body-too-large"


@pytest.mark.parametrize("depth", [100, 5000])
def test_a_json_body_nested_deeper_than_64_is_a_400(
    client: TestClient, headers: dict[str, str], depth: int
) -> None:
    body = '{"playbook": "x", "input": ' + "[" * depth + "]" * depth + "}"
    response = client.post(
        "/api/v1/instances",
        headers={**headers, "Content-Type": "application/json"},
        content=body.encode(),
    )
    problem = _problem(response, 400)
    assert problem["code"] == "body-too-deep"


def test_an_ocds_release_nested_too_deeply_is_a_422(
    client: TestClient, headers: dict[str, str]
) -> None:
    files = {"file": ("release.json", b"[" * 5000 + b"]" * 5000, "application/json")}
    response = client.post("/api/v1/contracts/ocds", headers=headers, files=files)
    assert response.status_code == 422, response.text[:300]


@pytest.mark.parametrize("value", [b"\xb2", b"\xb9\xb2"])
def test_a_last_event_id_that_is_not_ascii_digits_is_not_a_500(
    client: TestClient, headers: dict[str, str], value: bytes
) -> None:
    # latin-1 reads 0xb2 as "²", which str.isdigit() accepts and int() refuses
    auth = headers["Authorization"].encode()
    raw = [(b"host", b"testserver"), (b"authorization", auth), (b"last-event-id", value)]
    status, problem = _asgi_get(client.app, raw, path="/live/stream")
    assert status == 400, problem
    assert "last-event-id" in problem["detail"]


def test_a_login_form_that_does_not_validate_is_a_page_not_a_json_document(
    client: TestClient,
) -> None:
    response = client.post("/login", data={"token": "x" * 600, "next": "/"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "token" in response.text
