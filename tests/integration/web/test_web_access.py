"""Access control over HTTP: tokens, roles, sessions, CSRF and segregation of duties."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.approval_store import ApprovalStore
from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.instance_store import InstanceStore
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.api.auth import SESSION_COOKIE
from procureflow.config import Settings
from procureflow.domain.approval import ApprovalLevel

# answered without a login: liveness, and suppliers' replies authorised by a signed link
SIGNED_LINKS = ("/api/v1/rfq/",)

EVENT = {
    "specversion": "1.0",
    "id": "e-1",
    "source": "https://erp.example",
    "type": "erp.goods_received",
    "data": {},
}


@pytest.fixture
def users(engine: sa.Engine) -> dict[str, str]:
    store = UserStore(engine, SqlAuditLog(engine))
    roles = {"olga": ["orchestrator"], "ada": ["auditor"], "carla": ["cfo"], "ben": ["buyer"]}
    for user, user_roles in roles.items():
        store.add(user, roles=user_roles)
    return {user: store.issue_token(user) for user in roles}


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key="test-secret")
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()  # type: ignore[no-any-return]


def login_form_csrf(client: TestClient) -> str:
    """Open the login form (which sets its pre-session cookie) and read its CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def login_post(client: TestClient, user: str, token: str, **extra: str) -> Any:
    """Post the login form as a browser does: after opening it."""
    data = {"user": user, "token": token, "next": "/", "csrf_token": login_form_csrf(client)}
    return client.post("/login", data={**data, **extra}, follow_redirects=False)


def _login(client: TestClient, token: str, user: str = "olga") -> str:
    response = login_post(client, user, token)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.cookies[SESSION_COOKIE]
    page = client.get("/approvals")
    assert page.status_code == 200
    marker = 'name="csrf-token" content="'
    return page.text.split(marker, 1)[1].split('"', 1)[0] if cookie else ""


def test_every_api_endpoint_but_health_refuses_a_request_without_a_token(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()
    refused = 0
    for path, operations in schema["paths"].items():
        concrete = path.replace("{", "").replace("}", "")
        for method in operations:
            if path.startswith(SIGNED_LINKS):
                continue
            response = client.request(method.upper(), concrete)
            if path == "/api/v1/health":
                assert response.status_code == 200
                continue
            problem = _problem(response, 401)
            assert "Bearer" in problem["detail"]
            refused += 1
    assert refused >= 30


def test_a_token_of_another_role_is_refused_for_writes_but_reads(
    client: TestClient, users: dict[str, str]
) -> None:
    auditor = _bearer(users["ada"])
    assert client.get("/api/v1/events", headers=auditor).status_code == 200
    problem = _problem(client.post("/api/v1/events", json=EVENT, headers=auditor), 403)
    assert "orchestrator" in problem["detail"]
    _problem(
        client.post("/api/v1/playbooks/validate", content="x", headers=_bearer(users["ben"])), 403
    )
    accepted = client.post("/api/v1/events", json=EVENT, headers=_bearer(users["olga"]))
    assert accepted.status_code == 202, accepted.text


def test_a_forged_or_unknown_token_or_cookie_is_refused(
    client: TestClient, users: dict[str, str]
) -> None:
    _problem(client.get("/api/v1/instances", headers=_bearer("pf_forged")), 401)
    _problem(client.get("/api/v1/instances", headers={"Authorization": "Basic b2xnYTp4"}), 401)
    client.cookies.set(SESSION_COOKIE, "pfs_forged-session")
    _problem(client.get("/api/v1/instances"), 401)
    # a page redirects to the login form instead
    page = client.get("/approvals", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    # an API token in the session cookie is not a session
    client.cookies.set(SESSION_COOKIE, users["olga"])
    _problem(client.get("/api/v1/instances"), 401)


def test_a_session_token_is_not_accepted_as_a_bearer_token(
    client: TestClient, users: dict[str, str]
) -> None:
    _login(client, users["olga"])
    session = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    _problem(client.get("/api/v1/instances", headers=_bearer(session)), 401)


def test_a_session_writes_only_with_its_csrf_token(
    client: TestClient, users: dict[str, str]
) -> None:
    csrf = _login(client, users["olga"])
    assert client.get("/api/v1/instances").status_code == 200
    problem = _problem(client.post("/api/v1/events", json=EVENT), 403)
    assert "CSRF" in problem["detail"]
    _problem(client.post("/api/v1/events", json=EVENT, headers={"X-CSRF-Token": "0" * 64}), 403)
    accepted = client.post("/api/v1/events", json=EVENT, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 202, accepted.text
    # logging out needs the CSRF token too, and closes the session for good
    assert client.post("/logout", follow_redirects=False).status_code == 403
    session = client.cookies[SESSION_COOKIE]
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set(SESSION_COOKIE, session)
    _problem(client.get("/api/v1/instances"), 401)


def test_the_session_cookie_is_httponly_and_samesite_strict(
    client: TestClient, users: dict[str, str]
) -> None:
    response = login_post(client, "olga", users["olga"])
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    ).lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "pfs_" in cookie
    assert users["olga"] not in response.headers["set-cookie"]


def test_an_approver_cannot_approve_their_own_request(
    client: TestClient, engine: sa.Engine, users: dict[str, str]
) -> None:
    audit = SqlAuditLog(engine)
    instances = InstanceStore(engine, audit)
    version = instances.register_playbook(
        namespace="t", name="p", version="1", source="document: {}", origin=None
    )
    with engine.begin() as conn:
        instances.create_instance(
            conn, instance_id="in-1", playbook=version, input={}, trigger_event=None, actor="carla"
        )
    approval = ApprovalStore(engine, audit).open(
        instance_id="in-1",
        workflow_id="",
        task_key="/do/0/ask",
        title="Raise the budget",
        action={"kind": "budget", "amount": "900000"},
        reasoning="asked by the CFO herself",
        requested_by="carla",
        chain=[ApprovalLevel(role="cfo", sla_hours=24)],
    )
    body = {"decision": "approve", "digest": approval["digest"], "comment": "fine"}
    url = f"/api/v1/approvals/{approval['id']}/decision"
    problem = _problem(client.post(url, json=body, headers=_bearer(users["carla"])), 403)
    assert problem["code"] == "segregation-of-duties"
    # an auditor may read the request but not decide it
    auditor = _bearer(users["ada"])
    assert client.get(f"/api/v1/approvals/{approval['id']}", headers=auditor).status_code == 200
    _problem(client.post(url, json=body, headers=auditor), 403)
    assert ApprovalStore(engine, audit).get(approval["id"])["status"] == "pending"


def test_a_session_expires_after_its_maximum_age(engine: sa.Engine, users: dict[str, str]) -> None:
    from datetime import timedelta

    from procureflow.adapters.db.sessions import SessionStore
    from procureflow.errors import Unauthenticated

    audit = SqlAuditLog(engine)
    user, token = SessionStore(engine, audit, max_age=timedelta(hours=1)).open(users["olga"])
    assert user.id == "olga"
    assert SessionStore(engine, audit, max_age=timedelta(hours=1)).user(token).id == "olga"
    with pytest.raises(Unauthenticated, match="expired"):
        SessionStore(engine, audit, max_age=timedelta(seconds=-1)).user(token)
    with pytest.raises(Unauthenticated, match="API token, not a session"):
        SessionStore(engine, audit, max_age=timedelta(hours=1)).open(token)
