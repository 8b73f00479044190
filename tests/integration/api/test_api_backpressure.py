"""Backpressure: with the instance queue full, new work is refused with 503 and
Retry-After (problem+json) and nothing is stored; reads go on; under the limit it is
accepted again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.runtime.intake_gauge import IntakeGauge, queued_instances
from tests.auth_helpers import bearer_for
from tests.conftest import reset_dbos_tables

WAIT = """document:
  dsl: '1.0.0'
  namespace: test
  name: queued-work
  version: '1.0.0'
do:
  - pause:
      wait:
        minutes: 5
"""


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    # API only: nothing takes instances off the queue, so they pile up there
    reset_dbos_tables(settings.database_url)
    limited = settings.model_copy(update={"intake_max_queued": 3, "intake_retry_after_seconds": 7})
    app = create_app(start_engine=False, for_workers=True, settings=limited)
    with TestClient(app) as test_client:
        yield test_client


def test_a_full_queue_refuses_new_work_with_503_and_retry_after(
    client: TestClient, engine: sa.Engine
) -> None:
    ops = bearer_for(engine, "olga", "orchestrator")
    client.post(
        "/api/v1/playbooks", content=WAIT, headers={**ops, "Content-Type": "application/yaml"}
    )
    svc = client.app.state.services  # type: ignore[attr-defined]
    gauge = svc.extras["intake_gauge"] = IntakeGauge(
        lambda up_to: queued_instances(svc, up_to),
        limit=3,
        retry_after_seconds=7,
        clock=lambda: 0.0,
    )
    accepted = [
        client.post("/api/v1/instances", json={"playbook": "queued-work"}, headers=ops)
        for _ in range(3)
    ]
    assert [r.status_code for r in accepted] == [202, 202, 202]

    gauge._read_at = float("-inf")  # read the queue again now
    refused = client.post("/api/v1/instances", json={"playbook": "queued-work"}, headers=ops)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "7"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "waiting for a worker" in refused.json()["detail"]
    assert len(client.get("/api/v1/instances", headers=ops).json()) == 3

    event = {
        "specversion": "1.0",
        "id": "bp-1",
        "source": "urn:test",
        "type": "test.nothing",
        "data": {},
    }
    assert client.post("/api/v1/events", json=event, headers=ops).status_code == 503
    assert client.get("/api/v1/events", headers=ops).json() == []


def test_the_gauge_reads_the_queue_at_most_once_a_second() -> None:
    reads: list[int] = []
    now = [100.0]

    def depth(up_to: int) -> int:
        reads.append(up_to)
        return 5

    gauge = IntakeGauge(depth, limit=10, retry_after_seconds=3, clock=lambda: now[0])
    for _ in range(50):
        gauge.check()
    assert reads == [10]
    now[0] += 1.0
    gauge.check()
    assert len(reads) == 2


def test_a_limit_of_zero_never_refuses() -> None:
    gauge = IntakeGauge(lambda _n: 10**6, limit=0, retry_after_seconds=3)
    gauge.check()
