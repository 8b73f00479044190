"""Stopping the engine while instances wait is a normal, quiet event: nothing is logged as
an error, and the waiting instance resumes at the next start of the same executor."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from procureflow.bootstrap import start_runtime, stop_runtime
from procureflow.config import Settings
from procureflow.runtime import durable
from procureflow.runtime.dispatch import EventDispatcher
from tests.conftest import reset_dbos_tables
from tests.integration.runtime.helpers import playbook, run, wait_for

AWAIT_CONFIRMATION = playbook(
    "await-confirmation-across-restart",
    """do:
  - awaitConfirmation:
      listen:
        to:
          one:
            with:
              type: supplier.confirmed
            correlate:
              po:
                from: .data.po
                expect: ${ .po }
  - done:
      set:
        confirmed: true
""",
)


class _Errors(logging.Handler):
    """Errors logged by this test's threads. Threads that already ran before it started
    (an earlier test's engine, stopped, whose workflow thread ends late) are not its own:
    on PostgreSQL their rows are emptied between tests, so they may log an error of theirs
    while this test runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        main = threading.main_thread()
        self.earlier = {t.ident for t in threading.enumerate() if t is not main}

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread not in self.earlier:
            self.records.append(record)


@pytest.fixture
def logged_errors() -> Iterator[_Errors]:
    handler = _Errors()
    loggers = [logging.getLogger(), logging.getLogger("dbos")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _confirmation(po: str) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": f"confirm-{po}",
        "source": "supplier-portal",
        "type": "supplier.confirmed",
        "data": {"po": po},
    }


@pytest.mark.slow
def test_a_waiting_instance_survives_a_quiet_shutdown_and_resumes(
    settings: Settings, engine: object, logged_errors: _Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable, "RECEIVE_CHUNK_SECONDS", 1.0)  # wake soon after the stop
    reset_dbos_tables(settings.database_url)
    svc = start_runtime(settings)
    try:
        instance_id = run(svc, AWAIT_CONFIRMATION, {"po": "PO-77"})
        wait_for(svc, instance_id, "waiting")
    finally:
        stop_runtime(svc)

    # The parked thread wakes when its current receive ends and must then stop without
    # an error of its own.
    time.sleep(3 * durable.RECEIVE_CHUNK_SECONDS)
    assert [r.getMessage() for r in logged_errors.records] == []

    svc = start_runtime(settings)
    try:
        assert svc.instances.instance(instance_id)["status"] == "waiting"
        delivered = EventDispatcher(svc).ingest(_confirmation("PO-77"), actor="test")
        assert delivered.delivered == [instance_id]
        done = wait_for(svc, instance_id, "completed")
        assert done["output"] == {"confirmed": True}
    finally:
        stop_runtime(svc)
    assert [r.getMessage() for r in logged_errors.records] == []
