"""A worker killed with SIGKILL mid-instance: after a restart with the same executor id no
completed task runs again, no effect happens twice, and the instance completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.tables import effects, task_runs
from procureflow.cli.context import client as client_context
from procureflow.config import Settings
from procureflow.runtime.launch import start_instance
from procureflow.runtime.playbook_catalog import register_source
from tests.auth_helpers import PROCESS_SECRETS
from tests.conftest import reset_dbos_tables
from tests.worker_processes import start_worker, wait_until

PLAYBOOK = """document:
  dsl: '1.0.0'
  namespace: test
  name: survives-kill
  version: '1.0.0'
do:
  - first:
      call: test.count
      with:
        name: first
  - notifySupplier:
      call: procureflow.outbox
      with:
        to: supplier@example.com
        subject: Purchase order changed
  - pause:
      wait:
        seconds: 4
  - second:
      call: test.count
      with:
        name: second
  - done:
      set:
        finished: true
"""

# A custom function outside the product: it appends one line per execution to a file,
# which is how the test counts executions across processes.
COUNTER_MODULE = textwrap.dedent(
    """
    import os
    from procureflow.runtime.ports import FunctionSpec

    def procureflow_functions(services):
        path = os.environ["KILLTEST_LOG"]

        def count(args, ctx):
            with open(path, "a", encoding="utf-8") as out:
                out.write(args["name"] + "\\n")
            return {"counted": args["name"]}

        return [FunctionSpec(name="test.count", fn=count)]
    """
)


@pytest.mark.slow
def test_sigkill_mid_instance_resumes_without_repeating_work(
    settings: Settings, tmp_path: Path, engine: sa.Engine
) -> None:
    reset_dbos_tables(settings.database_url)
    (tmp_path / "killtest_functions.py").write_text(COUNTER_MODULE, encoding="utf-8")
    executions = tmp_path / "executions.log"
    worker_log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "KILLTEST_LOG": str(executions),
        "PROCUREFLOW_DATABASE_URL": settings.database_url,
        "PROCUREFLOW_DATA_DIR": str(settings.data_dir),
        "PROCUREFLOW_APPLICATION_VERSION": settings.application_version,
        "PROCUREFLOW_FUNCTION_MODULES": '["killtest_functions"]',
        **PROCESS_SECRETS,
    }
    os.environ.update({k: env[k] for k in ("KILLTEST_LOG",)})
    sys.path.insert(0, str(tmp_path))
    test_settings = settings.model_copy(update={"function_modules": ["killtest_functions"]})

    worker = start_worker(env, "kill-test-worker", worker_log)
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
        time.sleep(0.5)  # the instance is now inside its durable wait
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert executions.read_text().split() == ["first"]

        worker = start_worker(env, "kill-test-worker", worker_log)

        def completed() -> bool:
            with engine.connect() as conn:
                return (
                    conn.execute(
                        sa.text("SELECT status FROM pf_instances WHERE id = :i"), {"i": instance_id}
                    ).scalar_one()
                    == "completed"
                )

        wait_until(completed, 90, "the instance to complete after the restart")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        sys.path.remove(str(tmp_path))

    assert executions.read_text().split() == ["first", "second"], worker_log.read_text()[-2000:]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(effects)).scalar_one() == 1
        names = (
            conn.execute(
                sa.select(task_runs.c.name)
                .where(task_runs.c.instance_id == instance_id)
                .order_by(task_runs.c.id)
            )
            .scalars()
            .all()
        )
    assert names == ["first", "notifySupplier", "pause", "second", "done"]
