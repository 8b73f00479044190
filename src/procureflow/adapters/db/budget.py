"""The connection budget: how many PostgreSQL connections a deployment can open at most.

Each process has its own pools, so the sum over processes must stay under the server's
``max_connections`` minus what administrators and other applications need. The figures
come from the settings a process runs with:

- a process that runs instances (``serve``, ``worker``): the store pool and its
  overflow, the engine's pool, and one connection the engine keeps for notifications;
- an API-only process (``serve --no-workers``): the store pool and its overflow, and a
  workflow client with a pool the size of the engine's;
- a CLI command: a small store pool and a client of two.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from procureflow.config import Settings

ENGINE_LISTENER = 1
CLI_CLIENT_POOL = 2
# Connections kept for superusers, monitoring and migrations; PostgreSQL itself reserves
# ``superuser_reserved_connections`` (3 by default) out of ``max_connections``.
HEADROOM = 10


@dataclass(frozen=True, slots=True)
class ProcessBudget:
    """The most connections one process of a role opens."""

    role: str
    count: int
    each: int

    @property
    def total(self) -> int:
        return self.count * self.each


def per_process(settings: Settings, role: str) -> int:
    """The most connections one process of ``role`` (engine, api, cli) opens."""
    stores = settings.db_pool_size + settings.db_max_overflow
    if role == "engine":
        return stores + settings.engine_pool_size + ENGINE_LISTENER
    if role == "api":
        return stores + settings.engine_pool_size
    if role == "cli":
        return stores + CLI_CLIENT_POOL
    raise ValueError(f"unknown process role {role!r}: engine, api or cli")


def deployment_budget(
    settings: Settings, *, workers: int, api_only: bool, cli: int = 2
) -> dict[str, Any]:
    """The budget of one ``serve`` (API-only or not), ``workers`` worker processes and
    ``cli`` concurrent CLI commands."""
    serve = ("serve (API only)", "api") if api_only else ("serve", "engine")
    processes = [
        ProcessBudget(serve[0], 1, per_process(settings, serve[1])),
        ProcessBudget("worker", workers, per_process(settings, "engine")),
        ProcessBudget("cli command", cli, per_process(settings, "cli")),
    ]
    total = sum(p.total for p in processes)
    return {
        "processes": [{**asdict(p), "total": p.total} for p in processes],
        "total": total,
        "headroom": HEADROOM,
        "needs_max_connections": total + HEADROOM,
    }


__all__ = ["HEADROOM", "ProcessBudget", "deployment_budget", "per_process"]
