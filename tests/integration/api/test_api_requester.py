"""The person behind a request is its requester: who starts an instance over the API
cannot approve what it asks for, and the ledger names the person, never "api"."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.tables import audit_entries
from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.conftest import reset_dbos_tables
from tests.integration.api.test_api_core import _event

PURCHASE = """document:
  dsl: '1.0.0'
  namespace: test
  name: own-purchase
  version: '1.0.0'
do:
  - ask:
      call: procureflow.approval
      with:
        title: Buy test rigs
        action: '${ {item: "test rig", amount: .amount, currency: "EUR"} }'
        amount: '${ {amount: .amount, currency: "EUR"} }'
        category: services
        requested_by: agent.sourcing
        chain: [category_manager]
"""


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    reset_dbos_tables(settings.database_url)
    with TestClient(create_app(start_engine=True, settings=settings)) as test_client:
        yield test_client


def _pending(client: TestClient, auth: dict[str, str]) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = client.get("/api/v1/approvals", params={"status": "pending"}, headers=auth).json()
        if rows:
            return dict(rows[0])
        time.sleep(0.1)
    raise AssertionError("no pending approval appeared")


def test_who_starts_a_purchase_cannot_approve_it(client: TestClient, engine: sa.Engine) -> None:
    ops = bearer_for(engine, "olga", "orchestrator")
    cora = bearer_for(engine, "cora", "category_manager", "buyer")
    client.post(
        "/api/v1/playbooks", content=PURCHASE, headers={**ops, "Content-Type": "application/yaml"}
    )
    started = client.post(
        "/api/v1/instances",
        json={"playbook": "own-purchase", "input": {"amount": 20000}},
        headers=cora,
    )
    assert started.status_code == 202, started.text
    approval = _pending(client, cora)
    assert approval["requested_by"] == "cora"  # not the agent the playbook names
    own = client.post(
        f"/api/v1/approvals/{approval['id']}/decision",
        json={"decision": "approve", "digest": approval["digest"]},
        headers=cora,
    )
    assert own.status_code == 403
    assert own.json()["title"] == "Segregation of duties"


def test_the_ledger_names_who_sent_an_event(client: TestClient, engine: sa.Engine) -> None:
    ops = bearer_for(engine, "olga", "orchestrator")
    assert client.post("/api/v1/events", json=_event("who-1"), headers=ops).status_code == 202
    with engine.connect() as conn:
        actors = conn.execute(
            sa.select(audit_entries.c.actor).where(audit_entries.c.kind == "event.received")
        ).scalars()
        assert list(actors) == ["olga"]


def _supplier_answer(event_id: str) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": "https://portal.example",
        "type": "supplier.confirmed",
        "data": {"po": "PO-1"},
    }


@pytest.mark.parametrize("role", ["buyer", "orchestrator", "admin"])
def test_a_person_cannot_post_a_supplier_answer(
    client: TestClient, engine: sa.Engine, role: str
) -> None:
    auth = bearer_for(engine, f"p-{role}", role)
    answer = client.post("/api/v1/events", json=_supplier_answer("fake-1"), headers=auth)
    assert answer.status_code == 403
    assert "supplier_integration" in answer.json()["detail"]
    with engine.connect() as conn:  # nothing stored: the real supplier can still answer
        kinds = conn.execute(sa.select(audit_entries.c.kind)).scalars()
        assert "event.received" not in list(kinds)


def test_the_supplier_portal_integration_may(client: TestClient, engine: sa.Engine) -> None:
    portal = bearer_for(engine, "portal", "supplier_integration")
    answer = client.post("/api/v1/events", json=_supplier_answer("real-1"), headers=portal)
    assert answer.status_code == 202, answer.text
