"""A process never opens more database connections than its budget, however many
instances run at once (PostgreSQL; SQLite has no server connections to count)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.budget import per_process
from procureflow.config import Settings
from tests.conftest import on_postgres, reset_dbos_tables
from tests.integration.runtime.helpers import playbook, run, wait_for

STEPS = playbook(
    "many-steps",
    """do:
  - a:
      set:
        n: ${ 1 }
  - pause:
      wait:
        milliseconds: 500
  - b:
      set:
        n: ${ .n + 1 }
  - c:
      set:
        n: ${ .n + 1 }
""",
)


def _engine_finished(workflow_id: str, timeout: float = 30.0) -> None:
    from dbos import DBOS

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = DBOS.get_workflow_status(workflow_id)
        if status is not None and status.status == "SUCCESS":
            return
        time.sleep(0.05)
    raise AssertionError(f"workflow {workflow_id} did not finish in the engine")


def _engine_pool_size() -> int:
    from dbos._dbos import _get_dbos_instance

    return int(_get_dbos_instance()._sys_db.engine.pool.size())  # type: ignore[attr-defined]


@pytest.mark.skipif(not on_postgres(), reason="counts PostgreSQL server connections")
def test_a_busy_engine_process_stays_within_its_connection_budget(
    settings: Settings, engine: sa.Engine
) -> None:
    from procureflow.bootstrap import start_runtime, stop_runtime

    small = settings.model_copy(
        update={"db_pool_size": 2, "db_max_overflow": 1, "engine_pool_size": 4}
    )
    budget = per_process(small, "engine")
    reset_dbos_tables(small.database_url)
    peak = [0]
    done = threading.Event()
    watcher_engine = sa.create_engine(engine.url, poolclass=sa.NullPool)

    def watch() -> None:
        with watcher_engine.connect() as conn:
            while not done.is_set():
                count = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend'"
                    )
                ).scalar_one()
                peak[0] = max(peak[0], int(count))
                time.sleep(0.02)

    engine.dispose()
    svc = start_runtime(small)
    assert svc.engine.pool.size() == 2  # type: ignore[attr-defined]
    assert svc.engine.pool._max_overflow == 1  # type: ignore[attr-defined]
    assert _engine_pool_size() == 4
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        ids = [run(svc, STEPS, {}) for _ in range(60)]
        for instance_id in ids:
            assert wait_for(svc, instance_id, "completed", "faulted")["status"] == "completed"
        # the engine records each workflow's end just after the instance's: wait for it, so
        # no workflow thread is still running when the engine stops
        for instance_id in ids:
            _engine_finished(instance_id)
    finally:
        done.set()
        watcher.join()
        stop_runtime(svc)
        watcher_engine.dispose()
    assert 0 < peak[0] <= budget, f"peak {peak[0]} connections, budget {budget}"
