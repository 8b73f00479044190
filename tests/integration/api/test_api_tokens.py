"""API tokens expire and can be revoked by command; an expired or revoked token is 401."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables import api_tokens
from procureflow.adapters.db.user_store import UserStore, token_id
from procureflow.api.app import create_app
from procureflow.cli import users as users_cli
from procureflow.config import Settings, get_settings
from procureflow.domain.clock import utcnow
from procureflow.errors import InvalidInput


@pytest.fixture
def store(engine: sa.Engine) -> UserStore:
    store = UserStore(engine, SqlAuditLog(engine))
    store.add("olga", roles=["orchestrator"])
    return store


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key="test-secret")
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


def _get(client: TestClient, token: str) -> Any:
    return client.get("/api/v1/instances", headers={"Authorization": f"Bearer {token}"})


def _problem_401(response: Any) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return str(response.json()["detail"])


def test_a_new_token_expires_after_the_default_lifetime(store: UserStore) -> None:
    issued = store.issue("olga")
    lifetime = issued.expires_at - utcnow()
    assert timedelta(days=89) < lifetime <= timedelta(days=90)
    short = UserStore(store.engine, store.audit, token_lifetime=timedelta(days=7)).issue("olga")
    assert short.expires_at - utcnow() <= timedelta(days=7)


def test_expired_token_is_401(client: TestClient, store: UserStore, engine: sa.Engine) -> None:
    token = store.issue_token("olga")
    assert _get(client, token).status_code == 200
    with engine.begin() as conn:
        conn.execute(
            api_tokens.update()
            .where(api_tokens.c.token_hash.startswith(token_id(token)))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    assert "expired" in _problem_401(_get(client, token))


def test_revoked_token_is_401(client: TestClient, store: UserStore) -> None:
    token = store.issue_token("olga")
    other = store.issue_token("olga")
    assert _get(client, token).status_code == 200
    revoked = store.revoke(token_id(token), actor="admin-anna")
    assert revoked["state"] == "revoked"
    assert "revoked" in _problem_401(_get(client, token))
    assert _get(client, other).status_code == 200
    entry = list(store.audit.entries("user:olga"))[-1]
    assert entry.kind == "user.token_revoked" and entry.actor == "admin-anna"


def test_revoking_all_closes_every_token_of_the_user(client: TestClient, store: UserStore) -> None:
    tokens = [store.issue_token("olga") for _ in range(2)]
    rows = store.revoke_all("olga", actor="admin-anna")
    assert sorted(r["id"] for r in rows) == sorted(token_id(t) for t in tokens)
    for token in tokens:
        _problem_401(_get(client, token))
    assert [t["state"] for t in store.tokens("olga")] == ["revoked", "revoked"]


def test_a_bad_token_id_or_lifetime_is_refused(store: UserStore) -> None:
    with pytest.raises(InvalidInput, match="12 hex digits"):
        store.revoke("pf_secret", actor="x")
    with pytest.raises(InvalidInput, match="positive"):
        store.issue("olga", expires_in=timedelta(0))
    with pytest.raises(InvalidInput, match="90d"):
        users_cli.parse_duration("soon")
    assert users_cli.parse_duration("12h") == timedelta(hours=12)
    assert users_cli.parse_duration("30") == timedelta(days=30)


@pytest.fixture
def cli_env(
    engine: sa.Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(users_cli.app, [*args, "--json"])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def test_tokens_are_issued_listed_and_revoked_by_command(cli_env: None, store: UserStore) -> None:
    issued = _cli("token", "olga", "--expires-in", "30d", "--label", "ci")
    expires = datetime.fromisoformat(issued["expires_at"])
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
    assert store.authenticate(issued["token"]).id == "olga"
    listed = _cli("tokens", "list", "olga")
    assert [(t["id"], t["state"], t["label"]) for t in listed] == [(issued["id"], "active", "ci")]
    assert issued["token"] not in json.dumps(listed)
    revoked = _cli("tokens", "revoke", issued["id"], "--actor", "anna")
    assert revoked[0]["state"] == "revoked"
    entry = list(store.audit.entries("user:olga"))[-1]
    assert (entry.kind, entry.actor) == ("user.token_revoked", "anna")
    again = CliRunner().invoke(users_cli.app, ["tokens", "revoke", issued["id"]])
    assert again.exit_code == 1 and "already revoked" in again.stderr
    second = _cli("token", "olga")
    all_revoked = _cli("tokens", "revoke", "--all", "olga", "--actor", "anna")
    assert [t["id"] for t in all_revoked] == [second["id"]]
    neither = CliRunner().invoke(users_cli.app, ["tokens", "revoke"])
    assert neither.exit_code == 1 and "--all USER" in neither.stderr
