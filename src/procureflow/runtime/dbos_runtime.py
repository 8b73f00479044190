"""Starting and stopping the DBOS engine that makes playbook instances durable.

Gotchas handled here: a second ``DBOS(config=…)`` silently returns the first instance,
so the old one is destroyed first; the application version is set explicitly (workers
recover only workflows of their own version); each worker has a stable executor id (a
worker's pending workflows are recovered only by a process with the same id).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from dbos import DBOS, DBOSClient, DBOSConfig

from procureflow.adapters.db.engine import create_workflow_engine, is_sqlite
from procureflow.config import Settings
from procureflow.runtime.durable import engine_generation
from procureflow.runtime.launch import QUEUE_NAME

if TYPE_CHECKING:
    import sqlalchemy as sa

_launched = False
_ever_launched = False


def engine_was_started() -> bool:
    """True when this process has run the durable engine at some point."""
    return _ever_launched


def engine_running() -> bool:
    """True while this process's durable engine is launched."""
    return _launched


def dbos_config(settings: Settings, engine: sa.Engine) -> DBOSConfig:
    """DBOS settings: same database as the store (SQLite file or Postgres)."""
    url = engine.url.render_as_string(hide_password=False)
    config: DBOSConfig = {
        "name": "procureflow",
        "system_database_url": url,
        "application_version": settings.application_version,
        "executor_id": settings.executor_id,
        "log_level": settings.log_level,
        "run_migrations": True,
        "sys_db_pool_size": settings.engine_pool_size,
    }
    if is_sqlite(url):
        # WAL, busy_timeout and synchronous=NORMAL for the engine's own writes too.
        config["system_database_engine"] = create_workflow_engine(url)
    return config


def migrate_workflow_store(engine: sa.Engine) -> None:
    """Create or migrate the durable engine's own tables (clients need them to enqueue)."""
    DBOS.migrate(engine.url.render_as_string(hide_password=False))


def workflow_client(engine: sa.Engine, pool_size: int = 2) -> DBOSClient:
    """A client that enqueues and sends without running workflows in this process."""
    url = engine.url.render_as_string(hide_password=False)
    if is_sqlite(url):
        return DBOSClient(system_database_engine=create_workflow_engine(url))
    return DBOSClient(system_database_url=url, system_database_pool_size=pool_size)


def launch_dbos(settings: Settings, engine: sa.Engine) -> None:
    """Create and launch DBOS for this process (destroying a previous instance first)."""
    global _launched, _ever_launched
    import procureflow.runtime.monitor_schedule  # noqa: F401  (the monitors' workflow)
    import procureflow.runtime.workflows  # noqa: F401  (registers the workflows)

    if _launched:
        shutdown_dbos()
    logging.getLogger("dbos").setLevel(settings.log_level)
    DBOS(config=dbos_config(settings, engine))
    DBOS.launch()
    # Registered after launch, as DBOS requires. The poll interval trades how soon a
    # queued instance starts against idle CPU and database load.
    DBOS.register_queue(
        QUEUE_NAME, polling_interval_sec=settings.queue_poll_seconds, on_conflict="always_update"
    )
    engine_generation.started()
    _launched = True
    _ever_launched = True


def shutdown_dbos() -> None:
    """Stop DBOS, keeping the workflow registrations for a later launch.

    Instances still running or waiting stop where they stand, quietly (see
    :class:`~procureflow.runtime.durable.EngineStopped`), and resume at the next start.
    """
    global _launched
    if _launched:
        engine_generation.stopping()
        DBOS.destroy(destroy_registry=False)
        _launched = False


__all__ = [
    "dbos_config",
    "engine_running",
    "engine_was_started",
    "launch_dbos",
    "migrate_workflow_store",
    "shutdown_dbos",
    "workflow_client",
]
