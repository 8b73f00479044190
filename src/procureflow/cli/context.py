"""How CLI commands get at the product: stores only, a client, or a running engine."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from procureflow.bootstrap import build_services, start_runtime, stop_runtime
from procureflow.runtime.services import Services

TERMINAL_OR_WAITING = frozenset({"completed", "faulted", "cancelled", "waiting"})


@contextmanager
def store() -> Iterator[Services]:
    """The stores (migrated), no durable engine: for reading and bookkeeping commands."""
    svc = build_services()
    try:
        yield svc
    finally:
        svc.engine.dispose()


@contextmanager
def client() -> Iterator[Services]:
    """Stores plus a client that enqueues and sends for an engine running elsewhere.

    The built-in playbooks are registered first: an event ingested here before any
    engine ever ran on this database must still start the playbooks it triggers.
    """
    from procureflow.runtime.dbos_runtime import workflow_client
    from procureflow.runtime.launch import ClientLauncher
    from procureflow.runtime.playbook_catalog import register_builtin_playbooks

    svc = build_services()
    register_builtin_playbooks(svc)
    dbos_client = workflow_client(svc.engine)
    svc.extras["launcher"] = ClientLauncher(dbos_client)
    try:
        yield svc
    finally:
        dbos_client.destroy()
        svc.engine.dispose()


@contextmanager
def engine() -> Iterator[Services]:
    """A running engine in this process (recovers this executor's unfinished work); refused
    with the shipped secrets outside demo mode, like ``serve`` and ``worker``."""
    from procureflow.config import check_startup_secrets, get_settings

    settings = get_settings()
    check_startup_secrets(settings)
    svc = start_runtime(settings)
    try:
        yield svc
    finally:
        stop_runtime(svc)


def wait_until_settled(svc: Services, instance_ids: list[str], timeout: float) -> dict[str, str]:
    """Wait until each instance has completed, faulted or is waiting; returns statuses."""
    deadline = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    while True:
        statuses = {i: svc.instances.instance(i)["status"] for i in instance_ids}
        if all(s in TERMINAL_OR_WAITING for s in statuses.values()):
            return statuses
        if time.monotonic() > deadline:
            return statuses
        time.sleep(0.02)


__all__ = ["TERMINAL_OR_WAITING", "client", "engine", "store", "wait_until_settled"]
