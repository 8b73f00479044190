"""The services a running process shares: built once by ``bootstrap`` and read by the
durable workflows, which DBOS calls with plain arguments only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procureflow.errors import ConfigError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from procureflow.adapters.db.approval_store import ApprovalStore
    from procureflow.adapters.db.audit_store import SqlAuditLog
    from procureflow.adapters.db.event_store import EventStore
    from procureflow.adapters.db.instance_store import InstanceStore
    from procureflow.agents.registry import AgentRegistry
    from procureflow.config import Settings
    from procureflow.runtime.function_registry import Functions
    from procureflow.runtime.ports import HttpPort


@dataclass
class Services:
    """Everything the runtime needs, wired by the composition root."""

    settings: Settings
    engine: sa.Engine
    audit: SqlAuditLog
    instances: InstanceStore
    events: EventStore
    approvals: ApprovalStore
    agents: AgentRegistry
    functions: Functions
    http: HttpPort
    extras: dict[str, Any] = field(default_factory=dict)


_current: Services | None = None


def install(services: Services) -> None:
    """Make ``services`` the process-wide set the workflows use."""
    global _current
    _current = services


def current() -> Services:
    """The process-wide services; a clear error when the runtime was not started."""
    if _current is None:
        raise ConfigError("the ProcureFlow runtime is not started in this process")
    return _current


def uninstall() -> None:
    """Forget the process-wide services (tests, shutdown)."""
    global _current
    _current = None


__all__ = ["Services", "current", "install", "uninstall"]
