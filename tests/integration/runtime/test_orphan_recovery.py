"""A worker killed for good: a live worker notices its silence, reports it on the
exception queue and takes over its pending instance, which completes without doing any
task twice; by hand, ``workers recover`` does the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.tables import audit_entries, effects
from procureflow.adapters.db.tables_exceptions import exceptions
from procureflow.cli.context import client as client_context
from procureflow.config import Settings
from procureflow.runtime.launch import start_instance
from procureflow.runtime.playbook_catalog import register_source
from tests.auth_helpers import PROCESS_SECRETS
from tests.conftest import reset_dbos_tables
from tests.integration.runtime.test_durability_kill import COUNTER_MODULE, PLAYBOOK
from tests.worker_processes import start_worker, stop_worker, wait_until


@pytest.mark.slow
def test_a_dead_workers_instance_is_taken_over_by_a_live_one(
    settings: Settings, tmp_path: Path, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    reset_dbos_tables(settings.database_url)
    (tmp_path / "killtest_functions.py").write_text(COUNTER_MODULE, encoding="utf-8")
    executions = tmp_path / "executions.log"
    log = tmp_path / "workers.log"
    env = {
        **os.environ,
        **PROCESS_SECRETS,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "KILLTEST_LOG": str(executions),
        "PROCUREFLOW_DATABASE_URL": settings.database_url,
        "PROCUREFLOW_DATA_DIR": str(settings.data_dir),
        "PROCUREFLOW_APPLICATION_VERSION": settings.application_version,
        "PROCUREFLOW_FUNCTION_MODULES": '["killtest_functions"]',
        "PROCUREFLOW_EXECUTOR_HEARTBEAT_SECONDS": "0.5",
        "PROCUREFLOW_EXECUTOR_SILENT_AFTER_SECONDS": "3",
    }
    monkeypatch.setenv("KILLTEST_LOG", str(executions))
    sys.path.insert(0, str(tmp_path))
    test_settings = settings.model_copy(update={"function_modules": ["killtest_functions"]})
    doomed = start_worker(env, "w-doomed", log)
    live: subprocess.Popen[bytes] | None = None
    try:
        import procureflow.cli.context as ctx_module

        original = ctx_module.build_services
        ctx_module.build_services = lambda *a, **k: original(test_settings)  # type: ignore[assignment]
        try:
            with client_context() as svc:
                version = register_source(svc, PLAYBOOK, "survives-kill.yaml")
                instance_id = start_instance(svc, version, {}, actor="test")
        finally:
            ctx_module.build_services = original  # type: ignore[assignment]

        def effect_done() -> bool:
            with engine.connect() as conn:
                return bool(
                    conn.execute(sa.select(sa.func.count()).select_from(effects)).scalar_one()
                )

        wait_until(effect_done, 60, "the first effect")
        time.sleep(0.5)  # inside its durable wait now
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)

        live = start_worker(env, "w-live", log)

        def completed() -> bool:
            with engine.connect() as conn:
                return (
                    conn.execute(
                        sa.text("SELECT status FROM pf_instances WHERE id = :i"), {"i": instance_id}
                    ).scalar_one()
                    == "completed"
                )

        wait_until(completed, 90, "the instance to complete on the live worker")
    finally:
        stop_worker(doomed)
        if live is not None:
            stop_worker(live)
        sys.path.remove(str(tmp_path))

    assert executions.read_text().split() == ["first", "second"], log.read_text()[-3000:]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(effects)).scalar_one() == 1
        alert = conn.execute(sa.select(exceptions.c.reason_code, exceptions.c.subject_id)).all()
        recovered = conn.execute(
            sa.select(audit_entries.c.actor, audit_entries.c.subject).where(
                audit_entries.c.kind == "executor.recovered"
            )
        ).all()
    assert ("executor_silent", "w-doomed") in [tuple(a) for a in alert]
    assert [tuple(r) for r in recovered] == [("procureflow-runtime", "w-doomed")]


WAITING = """document:
  dsl: '1.0.0'
  namespace: test
  name: waiting
  version: '1.0.0'
do:
  - pause:
      wait:
        minutes: 5
"""


def test_recover_by_hand_moves_a_dead_executors_work_once_and_audits_the_person(
    settings: Settings, engine: sa.Engine
) -> None:
    from procureflow.runtime.orphans import pending_workflows, recover

    reset_dbos_tables(settings.database_url)
    import procureflow.cli.context as ctx_module

    original = ctx_module.build_services
    ctx_module.build_services = lambda *a, **k: original(settings)  # type: ignore[assignment]
    try:
        with client_context() as svc:
            version = register_source(svc, WAITING, "waiting.yaml")
            instance_id = start_instance(svc, version, {}, actor="test")
            # as if worker w-gone had taken it off the queue and died
            workflows = (
                "dbos.workflow_status"
                if settings.database_url.startswith("postgres")
                else "workflow_status"
            )
            with engine.begin() as conn:
                conn.execute(
                    sa.text(
                        f"UPDATE {workflows} SET status = 'PENDING', executor_id = 'w-gone', "
                        f"application_version = :v WHERE workflow_uuid = :i"
                    ),
                    {"i": instance_id, "v": settings.application_version},
                )
            assert pending_workflows(svc, "w-gone") == [instance_id]

            assert recover(svc, "w-gone", actor="olga") == [instance_id]
            assert recover(svc, "w-gone", actor="olga") == []
            assert pending_workflows(svc, "w-gone") == []
            with engine.connect() as conn:
                row = conn.execute(
                    sa.text(f"SELECT status, queue_name FROM {workflows} WHERE workflow_uuid = :i"),
                    {"i": instance_id},
                ).one()
            assert tuple(row) == ("ENQUEUED", "procureflow-instances")
            actors = [
                e.actor for e in svc.audit.entries("executors") if e.kind == "executor.recovered"
            ]
            assert actors == ["olga", "olga"]
    finally:
        ctx_module.build_services = original  # type: ignore[assignment]
