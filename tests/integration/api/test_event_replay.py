"""An event that started nothing on arrival (its playbook came later) can be replayed, once,
by an operator; the ledger says who did it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.tables import audit_entries
from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.conftest import reset_dbos_tables
from tests.integration.api.test_api_core import PLAYBOOK, _event


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    reset_dbos_tables(settings.database_url)
    with TestClient(create_app(start_engine=True, settings=settings)) as test_client:
        yield test_client


def test_an_event_that_started_nothing_is_replayed_once(
    client: TestClient, engine: sa.Engine
) -> None:
    ops = bearer_for(engine, "olga", "orchestrator")
    buyer = bearer_for(engine, "bruno", "buyer")
    early = client.post("/api/v1/events", json=_event("early-1"), headers=ops).json()
    assert early["started"] == []  # no playbook listens for it yet
    key = early["event"]
    registered = client.post(
        "/api/v1/playbooks", content=PLAYBOOK, headers={**ops, "Content-Type": "application/yaml"}
    )
    assert registered.status_code in (200, 201), registered.text

    refused = client.post(f"/api/v1/events/{key}/replay", headers=buyer)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    replayed = client.post(f"/api/v1/events/{key}/replay", headers=ops)
    assert replayed.status_code == 200, replayed.text
    assert len(replayed.json()["started"]) == 1

    again = client.post(f"/api/v1/events/{key}/replay", headers=ops)
    assert again.status_code == 409
    assert "already started" in again.json()["detail"]
    assert client.post("/api/v1/events/no-such-key/replay", headers=ops).status_code == 404

    with engine.connect() as conn:
        actors = conn.execute(
            sa.select(audit_entries.c.actor).where(audit_entries.c.kind == "event.replayed")
        ).scalars()
        assert list(actors) == ["olga"]
