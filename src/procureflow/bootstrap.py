"""The composition root: the one place where concrete adapters are built and wired."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib.metadata import entry_points

import sqlalchemy as sa

from procureflow.adapters.db.approval_store import ApprovalStore
from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.event_store import EventStore
from procureflow.adapters.db.instance_store import InstanceStore
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.db.user_store import UserStore
from procureflow.adapters.http_client import HttpxClient
from procureflow.agents.registry import AgentRegistry
from procureflow.config import Settings, get_settings
from procureflow.errors import ConfigError
from procureflow.policies import Policy, load_policy_file
from procureflow.runtime import services as runtime_services
from procureflow.runtime.function_catalog import product_functions
from procureflow.runtime.function_registry import Functions
from procureflow.runtime.services import Services


@dataclass
class Store:
    """The stores alone, for commands that need no running engine (audit, users, lists)."""

    settings: Settings
    services: Services
    users: UserStore


def build_agents(engine: sa.Engine, settings: Settings, policy: Policy | None) -> AgentRegistry:
    """Built-in agents, the Risk Monitor on the master data, and every plugin agent."""
    from procureflow.adapters.risk_monitor_factory import risk_monitor_factory
    from procureflow.agents.builtin import register_builtin_agents
    from procureflow.agents.risk_monitor import NAME as RISK_MONITOR

    registry = AgentRegistry()
    register_builtin_agents(registry)
    registry.register(RISK_MONITOR, risk_monitor_factory(engine, settings, policy))
    registry.discover()
    return registry


def build_services(settings: Settings | None = None, *, migrate: bool = True) -> Services:
    """Engine, stores, agents and custom functions, without starting the durable engine."""
    settings = settings or get_settings()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    if migrate:
        upgrade(engine)
        from procureflow.runtime.dbos_runtime import migrate_workflow_store

        migrate_workflow_store(engine)
    audit = SqlAuditLog(engine)
    policy = load_policy_file(settings.policy_file) if settings.policy_file else None
    svc = Services(
        settings=settings,
        engine=engine,
        audit=audit,
        instances=InstanceStore(engine, audit),
        events=EventStore(engine, audit),
        approvals=ApprovalStore(engine, audit),
        agents=build_agents(engine, settings, policy),
        functions=Functions(),
        http=HttpxClient(egress=settings.egress_policy()),
    )
    svc.extras["users"] = UserStore(
        engine, audit, token_lifetime=timedelta(days=settings.api_token_days)
    )
    for spec in product_functions(svc):
        svc.functions.add(spec)
    svc.functions.add_agents(svc.agents)
    _add_document_functions(svc)
    _add_plugin_functions(svc)
    if policy is not None:
        svc.extras["policy"] = policy
    return svc


def _add_plugin_functions(svc: Services) -> None:
    """Custom functions from plugins: the entry point group and the configured modules."""
    factories = [ep.load() for ep in entry_points(group="procureflow.functions")]
    factories += [
        importlib.import_module(name).procureflow_functions
        for name in svc.settings.function_modules
    ]
    for factory in factories:
        for spec in factory(svc):
            svc.functions.add(spec)


def _add_document_functions(svc: Services) -> None:
    """The document toolkit's operations, each callable as ``procureflow.docs.<op>``."""
    from procureflow.adapters.document_wiring import cached_document_service
    from procureflow.documents.functions import document_functions

    service = cached_document_service(svc.settings, svc.engine)
    for name, fn in document_functions(service).items():
        svc.functions.add_simple(name, fn, description=f"document operation {name}")


def wait_for_database(
    settings: Settings,
    *,
    report: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Wait (pauses doubling up to 10 s) until the database answers, at most
    ``startup_wait_seconds``; a worker started before its database (a reboot, a failover)
    then starts by itself instead of exiting."""
    from procureflow.runtime.durable import is_transient_database_error

    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    deadline = clock() + settings.startup_wait_seconds
    delay = 0.5
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1")
                return
            except Exception as exc:
                if not is_transient_database_error(exc) or clock() + delay > deadline:
                    raise ConfigError(
                        f"the database is not reachable ({_first_line(exc)}); gave up after "
                        f"{settings.startup_wait_seconds:g} s"
                    ) from None
                report(f"waiting for the database ({_first_line(exc)}); again in {delay:g} s")
                sleep(delay)
                delay = min(delay * 2, 10.0)
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def start_runtime(settings: Settings | None = None, *, sync_playbooks: bool = True) -> Services:
    """Build everything, launch DBOS, register built-in playbooks, resume orphans."""
    from procureflow.runtime.dbos_runtime import launch_dbos
    from procureflow.runtime.launch import resume_unstarted
    from procureflow.runtime.monitor_schedule import apply_schedules
    from procureflow.runtime.orphans import ExecutorWatch
    from procureflow.runtime.playbook_catalog import register_builtin_playbooks

    svc = build_services(settings)
    runtime_services.install(svc)
    launch_dbos(svc.settings, svc.engine)
    if sync_playbooks:
        register_builtin_playbooks(svc)
    resume_unstarted(svc)
    apply_schedules(svc.settings)
    watch = svc.extras["executor_watch"] = ExecutorWatch(svc)
    watch.start()
    return svc


def stop_runtime(svc: Services | None = None) -> None:
    """Shut DBOS down and release the database."""
    from procureflow.runtime.dbos_runtime import shutdown_dbos

    watch = svc.extras.pop("executor_watch", None) if svc is not None else None
    if watch is not None:
        watch.stop()
    shutdown_dbos()
    runtime_services.uninstall()
    if svc is not None:
        svc.engine.dispose()


__all__ = [
    "Store",
    "build_agents",
    "build_services",
    "start_runtime",
    "stop_runtime",
    "wait_for_database",
]
