"""A worker killed with SIGKILL while the recovery waits for the supplier: after a restart
the supplier's confirmation is taken, the plan executes, nothing is bought twice and no
finished task runs again."""

from __future__ import annotations

import os
import signal
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.instance_store import InstanceStore
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.config import Settings
from procureflow.runtime.disruption_intake import answer_rfq
from procureflow.runtime.disruption_seed import ensure_demo_world
from tests.auth_helpers import PROCESS_SECRETS
from tests.conftest import reset_dbos_tables
from tests.e2e.disruption_helpers import demo_mail, ingest
from tests.worker_processes import start_worker, stop_worker, wait_until

WORKER_ID = "disruption-crash-worker"


@pytest.mark.slow
def test_a_worker_killed_while_waiting_resumes_and_buys_once(
    settings: Settings, tmp_path: Path, engine: sa.Engine
) -> None:
    reset_dbos_tables(settings.database_url)
    policy = (files("procureflow.policies") / "builtin" / "default.yaml").read_text("utf-8")
    policy = policy.replace("price_increase_pct > 5.0", "price_increase_pct > 50.0")
    policy = policy.replace("extra_cost.amount > 10000", "extra_cost.amount > 5000000")
    (tmp_path / "policy.yaml").write_text(policy, encoding="utf-8")
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": settings.database_url,
        "PROCUREFLOW_DATA_DIR": str(settings.data_dir),
        "PROCUREFLOW_APPLICATION_VERSION": settings.application_version,
        "PROCUREFLOW_POLICY_FILE": str(tmp_path / "policy.yaml"),
        **PROCESS_SECRETS,
    }
    log = tmp_path / "worker.log"
    audit = SqlAuditLog(engine)
    instances = InstanceStore(engine, audit)
    orders = PurchaseOrderStore(engine, audit)
    worker = start_worker(env, WORKER_ID, log)
    try:
        from procureflow.bootstrap import build_services
        from procureflow.runtime.dbos_runtime import workflow_client
        from procureflow.runtime.launch import ClientLauncher

        # the worker signs the links with its secret key: answer with the same one
        worker_secret = SecretStr(PROCESS_SECRETS["PROCUREFLOW_SECRET_KEY"])
        svc = build_services(settings.model_copy(update={"secret_key": worker_secret}))
        client = workflow_client(svc.engine)
        svc.extras["launcher"] = ClientLauncher(client)
        try:
            ensure_demo_world(svc)
            # the worker registers the built-in playbooks when it starts
            wait_until(
                lambda: any(p.name == "supply-disruption" for p in instances.list_playbooks()),
                60,
                "the worker to register the playbooks",
            )
            instance_id = ingest(svc, demo_mail())["started"][0]

            def rfq() -> dict[str, Any] | None:
                data = instances.instance(instance_id)
                done = [t for t in data["tasks"] if t["name"] == "requestQuotes"]
                if data["status"] != "waiting" or not done:
                    return None
                output: dict[str, Any] = done[-1]["output"]["rfq"]
                return output

            request = wait_until(rfq, 90, "the request for quote")["requests"][0]
            time.sleep(0.5)  # inside the durable wait for answers
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

            # the supplier answers while no worker runs; the answer waits for the instance
            token = request["confirm_url"].rsplit("/", 2)[-2]
            assert answer_rfq(svc, token, "confirmed")["recorded"] is True
            assert orders.list(origin=instance_id) == []

            worker = start_worker(env, WORKER_ID, log)
            wait_until(
                lambda: instances.instance(instance_id)["status"] in ("completed", "faulted"),
                120,
                "the instance to finish after the restart",
            )
        finally:
            client.destroy()
            svc.engine.dispose()
    finally:
        stop_worker(worker)

    data = instances.instance(instance_id)
    assert data["status"] == "completed", log.read_text()[-3000:]
    assert data["output"]["outcome"] == "executed"
    assert [o.po.supplier_id for o in orders.list(origin=instance_id)] == ["SUP-KOWALSKI"]
    names = [t["name"] for t in data["tasks"] if t["status"] == "completed"]
    for once in ("assess", "analyse", "choosePlan", "requestQuotes", "execute"):
        assert names.count(once) == 1, names
    kinds = [e.kind for e in audit.entries(f"instance:{instance_id}")]
    assert kinds.count("rfq.sent") == 1 and kinds.count("disruption.executed") == 1
