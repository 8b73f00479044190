"""Cancel, retry and resume over the API: operators only, a problem for a wrong state,
the person in the ledger."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.conftest import reset_dbos_tables

WAITING = """document:
  dsl: '1.0.0'
  namespace: test
  name: long-wait
  version: '1.0.0'
do:
  - pause:
      wait:
        minutes: 30
"""


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    reset_dbos_tables(settings.database_url)
    with TestClient(create_app(start_engine=True, settings=settings)) as test_client:
        yield test_client


def _started(client: TestClient, auth: dict[str, str]) -> str:
    client.post(
        "/api/v1/playbooks", content=WAITING, headers={**auth, "Content-Type": "application/yaml"}
    )
    started = client.post("/api/v1/instances", json={"playbook": "long-wait"}, headers=auth)
    assert started.status_code == 202, started.text
    return str(started.json()["id"])


def test_only_operators_cancel_and_the_ledger_names_them(
    client: TestClient, engine: sa.Engine
) -> None:
    ops = bearer_for(engine, "olga", "orchestrator")
    buyer = bearer_for(engine, "bert", "buyer")
    instance_id = _started(client, ops)

    refused = client.post(
        f"/api/v1/instances/{instance_id}/cancel", json={"reason": "mine"}, headers=buyer
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    done = client.post(
        f"/api/v1/instances/{instance_id}/cancel", json={"reason": "order withdrawn"}, headers=ops
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "cancelled"
    entries = client.get(
        "/api/v1/audit/entries", params={"stream": f"instance:{instance_id}"}, headers=ops
    ).json()
    cancelled = [e for e in entries if e["kind"] == "instance.cancelled"]
    assert [e["actor"] for e in cancelled] == ["olga"]


def test_a_move_from_the_wrong_state_is_a_409_problem(
    client: TestClient, engine: sa.Engine
) -> None:
    ops = bearer_for(engine, "olga", "orchestrator")
    instance_id = _started(client, ops)
    retried = client.post(f"/api/v1/instances/{instance_id}/retry", headers=ops)
    assert retried.status_code == 409
    assert "needs it faulted" in retried.json()["detail"]
    missing = client.post("/api/v1/instances/in-nothing/resume", headers=ops)
    assert missing.status_code == 404
