"""``procureflow serve --no-workers``: the API process queues instances and runs none; a
worker process picks them up."""

from __future__ import annotations

import time

import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.api.app import create_app
from procureflow.bootstrap import start_runtime, stop_runtime
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.conftest import reset_dbos_tables
from tests.integration.api.test_api_core import PLAYBOOK, _event
from tests.integration.runtime.helpers import wait_for


def test_the_api_only_process_queues_and_a_worker_runs(
    settings: Settings, engine: sa.Engine
) -> None:
    reset_dbos_tables(settings.database_url)
    ops = bearer_for(engine, "olga", "orchestrator")
    app = create_app(start_engine=False, settings=settings, for_workers=True)
    with TestClient(app) as client:
        client.post(
            "/api/v1/playbooks",
            content=PLAYBOOK,
            headers={**ops, "Content-Type": "application/yaml"},
        )
        started = client.post("/api/v1/events", json=_event("queued-1"), headers=ops).json()
        [instance_id] = started["started"]
        time.sleep(1)  # nothing in this process may run it
        state = client.get(f"/api/v1/instances/{instance_id}", headers=ops).json()
        assert state["status"] == "running" and state["tasks"] == []  # queued: no task ran
    worker = start_runtime(settings.model_copy(update={"executor_id": "worker-1"}))
    try:
        done = wait_for(worker, instance_id, "completed", timeout=60)
        assert done["output"] == {"said": "hi"}
    finally:
        stop_runtime(worker)
