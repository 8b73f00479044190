"""The REST API of the foundation: events, instances, playbooks, approvals, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.conftest import reset_dbos_tables

PLAYBOOK = """document:
  dsl: '1.0.0'
  namespace: test
  name: api-echo
  version: '1.0.0'
schedule:
  on:
    one:
      with:
        type: test.echo
do:
  - echo:
      set:
        said: ${ $workflow.input[0].data.text }
"""


@pytest.fixture
def api(settings: Settings, engine: sa.Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    reset_dbos_tables(settings.database_url)
    users = UserStore(engine, SqlAuditLog(engine))
    users.add("ops", roles=["orchestrator", "admin"])
    token = users.issue_token("ops")
    with TestClient(create_app(start_engine=True, settings=settings)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def _event(event_id: str) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": "https://portal.example",
        "type": "test.echo",
        "data": {"text": "hi"},
    }


def test_an_event_starts_its_playbook_and_a_repeat_is_a_duplicate(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = api
    assert (
        client.post(
            "/api/v1/playbooks",
            content=PLAYBOOK,
            headers={**auth, "content-type": "application/yaml"},
        ).status_code
        == 201
    )
    first = client.post("/api/v1/events", json=_event("e-1"), headers=auth)
    assert first.status_code == 202, first.text
    assert first.json()["duplicate"] is False and len(first.json()["started"]) == 1
    again = client.post("/api/v1/events", json=_event("e-1"), headers=auth)
    assert again.status_code == 202
    assert again.json() == {**again.json(), "duplicate": True, "started": []}
    instance_id = first.json()["started"][0]
    import time

    deadline = time.monotonic() + 30
    while (
        client.get(f"/api/v1/instances/{instance_id}", headers=auth).json()["status"] != "completed"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert client.get(f"/api/v1/instances/{instance_id}", headers=auth).json()["output"] == {
        "said": "hi"
    }


def test_an_event_without_a_source_is_a_problem_and_is_not_stored(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = api
    bad = {"specversion": "1.0", "id": "x", "type": "test.echo"}
    response = client.post("/api/v1/events", json=bad, headers=auth)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400 and "source" in problem["detail"]
    assert client.get("/api/v1/events", headers=auth).json() == []


def test_an_unknown_playbook_is_a_404_problem(api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    response = client.post("/api/v1/instances", json={"playbook": "no-such-playbook"}, headers=auth)
    assert response.status_code == 404
    assert "no-such-playbook" in response.json()["detail"]


def test_an_invalid_playbook_names_the_line_and_nothing_is_stored(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = api
    broken = PLAYBOOK.replace("set:", "sett:")
    response = client.post(
        "/api/v1/playbooks", content=broken, headers={**auth, "content-type": "application/yaml"}
    )
    assert response.status_code == 422
    assert "upload:" in response.json()["detail"]
    names = [p["name"] for p in client.get("/api/v1/playbooks", headers=auth).json()]
    assert "api-echo" not in names


def test_a_decision_without_a_token_is_refused(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    response = client.post(
        "/api/v1/approvals/ap-x/decision", json={"decision": "approve", "digest": "0" * 64}
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_openapi_documents_the_event_endpoint(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    spec = client.get("/openapi.json").json()
    assert "/api/v1/events" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/events"]


def test_lists_carry_the_total_count(api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    for i in range(3):
        client.post("/api/v1/events", json=_event(f"count-{i}"), headers=auth)
    page = client.get("/api/v1/events", params={"limit": 2}, headers=auth)
    assert page.status_code == 200
    assert len(page.json()) == 2
    assert page.headers["X-Total-Count"] == "3"
    assert client.get("/api/v1/instances", headers=auth).headers["X-Total-Count"].isdigit()
    assert client.get("/api/v1/approvals", headers=auth).headers["X-Total-Count"] == "0"
