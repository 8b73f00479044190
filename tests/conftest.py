"""Shared fixtures: a migrated database per test, on SQLite by default or on Postgres.

Set ``PROCUREFLOW_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` to
run the suite on Postgres; every table is emptied before each test there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from procureflow.adapters.db import all_tables  # noqa: F401
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.db.tables import metadata
from procureflow.config import Settings
from procureflow.runtime.services import Services

SAMPLE_DATA = Path(__file__).resolve().parent / "data"
POSTGRES_URL = os.environ.get("PROCUREFLOW_TEST_DATABASE_URL", "")


def on_postgres() -> bool:
    """True when the suite runs against Postgres."""
    return POSTGRES_URL.startswith("postgres")


@pytest.fixture
def sample_data() -> Path:
    """Public sample files kept in the repository (e-invoices, OCDS, Serverless Workflow
    spec material; see ``tests/data/README.md``)."""
    return SAMPLE_DATA


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A URL to an empty, not yet migrated database."""
    if on_postgres():
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'procureflow.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """A migrated database; on Postgres every ProcureFlow table is emptied first."""
    eng = create_engine(database_url)
    upgrade(eng)
    if on_postgres():
        with eng.begin() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    yield eng
    eng.dispose()


def reset_dbos_tables(url: str) -> None:
    """On Postgres, empty the durable engine's tables so no earlier test's work is resumed."""
    if not url.startswith("postgres"):
        return
    eng = create_engine(url)
    try:
        with eng.begin() as conn:
            names = (
                conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'dbos' "
                    "AND table_name NOT IN ('dbos_migrations') AND table_type = 'BASE TABLE'"
                )
                .scalars()
                .all()
            )
            if names:
                conn.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f"dbos.{n}" for n in names) + " CASCADE"
                )
    finally:
        eng.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own database, data directory and executor id."""
    import uuid

    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        executor_id=f"test-{uuid.uuid4().hex[:8]}",
        application_version="test",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def runtime(settings: Settings, engine: sa.Engine) -> Iterator[Services]:
    """A running durable engine (DBOS) over the test database, with built-in playbooks."""
    from procureflow.bootstrap import start_runtime, stop_runtime

    reset_dbos_tables(settings.database_url)
    svc = start_runtime(settings)
    try:
        yield svc
    finally:
        stop_runtime(svc)


_exit_status: list[int] = [0]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remember the outcome for :func:`pytest_unconfigure`."""
    _exit_status[0] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End at once when a test ran the durable engine.

    Workflows a test left parked in a wait keep a thread in a bounded receive; the
    process would otherwise wait for it. Every report is written by now.
    """
    from procureflow.runtime import dbos_runtime

    if dbos_runtime.engine_was_started():
        import sys

        # os._exit skips atexit: stop the warm LibreOffice a test started, or it outlives us
        convert = sys.modules.get("procureflow.documents.convert")
        if convert is not None:
            convert.close_worker_converters()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[0])


@pytest.fixture(scope="session", autouse=True)
def fresh_postgres_schema() -> None:
    """On Postgres, start the run from empty schemas: no table or migration state left
    by an earlier run (or an interrupted one) can leak into this one."""
    if not on_postgres():
        return
    eng = create_engine(POSTGRES_URL)
    try:
        with eng.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS dbos CASCADE")
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        eng.dispose()
