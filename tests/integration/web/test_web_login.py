"""The login form: a CSRF token bound to a pre-session cookie, and failed logins counted
in the database with lockouts per user name and per client address."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables_auth import login_lockouts
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.api.auth import LOGIN_COOKIE, SESSION_COOKIE
from procureflow.config import Settings
from procureflow.domain.clock import utcnow
from tests.integration.web.test_web_access import login_form_csrf, login_post

AppFactory = Callable[..., TestClient]


@pytest.fixture
def tokens(engine: sa.Engine) -> dict[str, str]:
    store = UserStore(engine, SqlAuditLog(engine))
    for user in ("olga", "ben", "carla"):
        store.add(user, roles=["orchestrator"])
    return {user: store.issue_token(user) for user in ("olga", "ben", "carla")}


@pytest.fixture
def make_client(database_url: str, tmp_path: Path) -> Iterator[AppFactory]:
    """Clients of separate apps on the same database, as separate processes would be."""
    opened: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        values = {"database_url": database_url, "data_dir": tmp_path, "secret_key": "s" * 40}
        app = create_app(start_engine=False, settings=Settings(**{**values, **settings}))
        client = TestClient(app).__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client()


def _audit_kinds(engine: sa.Engine, stream: str) -> list[str]:
    return [e.kind for e in SqlAuditLog(engine).entries(stream)]


def test_the_login_form_sets_a_pre_session_cookie_and_a_csrf_field(client: TestClient) -> None:
    page = client.get("/login")
    cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith(LOGIN_COOKIE))
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert 'name="csrf_token"' in page.text and 'name="user"' in page.text


def test_login_without_csrf_token_is_refused(client: TestClient, tokens: dict[str, str]) -> None:
    login_form_csrf(client)  # the browser has the pre-session cookie, but posts no token
    response = client.post(
        "/login", data={"user": "olga", "token": tokens["olga"]}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert SESSION_COOKIE not in response.cookies


def test_login_with_the_csrf_token_of_another_browser_is_refused(
    make_client: AppFactory, tokens: dict[str, str]
) -> None:
    attacker, victim = make_client(), make_client()
    stolen = login_form_csrf(attacker)
    login_form_csrf(victim)
    response = victim.post(
        "/login",
        data={"user": "olga", "token": tokens["olga"], "csrf_token": stolen},
        follow_redirects=False,
    )
    assert response.status_code == 403
    # and without the pre-session cookie at all
    victim.cookies.clear()
    response = victim.post(
        "/login",
        data={"user": "olga", "token": tokens["olga"], "csrf_token": stolen},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_login_needs_the_user_name_the_token_belongs_to(
    client: TestClient, tokens: dict[str, str]
) -> None:
    wrong = login_post(client, "ben", tokens["olga"])
    assert wrong.status_code == 303 and "invalid" in wrong.headers["location"]
    assert SESSION_COOKIE not in wrong.cookies
    right = login_post(client, "olga", tokens["olga"])
    assert right.status_code == 303 and right.headers["location"] == "/"
    assert SESSION_COOKIE in right.cookies


def test_sixth_failed_login_is_locked_out(
    client: TestClient, tokens: dict[str, str], engine: sa.Engine
) -> None:
    for _ in range(5):
        failed = login_post(client, "olga", "pf_wrong-guess")
        assert failed.status_code == 303 and "/login?error=" in failed.headers["location"]
    locked = login_post(client, "olga", tokens["olga"])  # even the right token now
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "too many failed logins" in locked.text
    assert SESSION_COOKIE not in locked.cookies
    kinds = _audit_kinds(engine, "login:olga")
    assert kinds.count("login.failed") == 5 and kinds.count("login.locked_out") == 1
    # another user (same address, under its limit) is not affected
    other = login_post(client, "ben", tokens["ben"])
    assert other.status_code == 303 and SESSION_COOKIE in other.cookies


def test_a_locked_out_json_client_gets_429_problem_json(
    client: TestClient, tokens: dict[str, str]
) -> None:
    for _ in range(5):
        login_post(client, "olga", "pf_wrong-guess")
    csrf = login_form_csrf(client)
    response = client.post(
        "/login",
        data={"user": "olga", "token": tokens["olga"], "csrf_token": csrf},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["code"] == "too-many-attempts"


def test_a_lockout_holds_in_every_process_and_ends_after_its_time(
    make_client: AppFactory, tokens: dict[str, str], engine: sa.Engine
) -> None:
    first, second = make_client(), make_client()
    for _ in range(5):
        login_post(first, "olga", "pf_wrong-guess")
    assert login_post(second, "olga", tokens["olga"]).status_code == 429
    with engine.begin() as conn:
        conn.execute(login_lockouts.update().values(locked_until=utcnow() - timedelta(seconds=1)))
    after = login_post(second, "olga", tokens["olga"])
    assert after.status_code == 303 and SESSION_COOKIE in after.cookies


def test_a_successful_login_resets_the_count(client: TestClient, tokens: dict[str, str]) -> None:
    for _ in range(4):
        login_post(client, "olga", "pf_wrong-guess")
    assert SESSION_COOKIE in login_post(client, "olga", tokens["olga"]).cookies
    for _ in range(4):
        assert login_post(client, "olga", "pf_wrong-guess").status_code == 303
    assert SESSION_COOKIE in login_post(client, "olga", tokens["olga"]).cookies


def test_an_address_guessing_at_many_users_is_locked_out(
    make_client: AppFactory, tokens: dict[str, str], engine: sa.Engine
) -> None:
    client = make_client(login_max_failures_per_address=3)
    for user in ("olga", "ben", "carla"):
        assert login_post(client, user, "pf_wrong-guess").status_code == 303
    locked = login_post(client, "ben", tokens["ben"])
    assert locked.status_code == 429 and "this address" in locked.text
    assert "login.locked_out" in _audit_kinds(engine, "login:carla")


def test_the_limits_are_settings(make_client: AppFactory, tokens: dict[str, str]) -> None:
    client = make_client(login_max_failures=2, login_lockout_minutes=1)
    for _ in range(2):
        login_post(client, "olga", "pf_wrong-guess")
    locked = login_post(client, "olga", tokens["olga"])
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) <= 60


def test_a_long_user_name_or_address_is_counted_without_error(engine: sa.Engine) -> None:
    from procureflow.adapters.db.login_throttle import LoginThrottle

    throttle = LoginThrottle(engine, SqlAuditLog(engine), max_failures=1)
    assert throttle.failed("x" * 500, "y" * 500, "invalid") == ["user"]
    with pytest.raises(Exception, match="too many failed logins") as refused:
        throttle.check("x" * 500, "elsewhere")
    assert getattr(refused.value, "retry_after", 0) > 0
