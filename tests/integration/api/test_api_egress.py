"""The API refuses, with a problem document naming task and address, playbooks whose
literal endpoints the egress policy refuses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.config import Settings

PLAYBOOK = """document:
  dsl: '1.0.0'
  namespace: test
  name: metadata-reader
  version: '1.0.0'
do:
  - readCredentials:
      call: http
      with:
        method: get
        endpoint: http://[fd00:ec2::254]/latest/meta-data
"""


@pytest.fixture
def api(settings: Settings, engine: sa.Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    users = UserStore(engine, SqlAuditLog(engine))
    users.add("ops", roles=["orchestrator", "admin"])
    token = users.issue_token("ops")
    with TestClient(create_app(start_engine=False, settings=settings)) as client:
        yield client, {"Authorization": f"Bearer {token}", "content-type": "application/yaml"}


@pytest.mark.parametrize("route", ["/api/v1/playbooks/validate", "/api/v1/playbooks"])
def test_a_metadata_endpoint_is_refused_with_a_problem_document(
    api: tuple[TestClient, dict[str, str]], route: str
) -> None:
    client, headers = api
    answer = client.post(route, content=PLAYBOOK, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert "task 'readCredentials'" in problem["detail"]
    assert "fd00:ec2::254 is a cloud metadata address" in problem["detail"]
    listed = client.get("/api/v1/playbooks", headers=headers).json()
    assert all(p["name"] != "metadata-reader" for p in listed)
