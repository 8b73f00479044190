"""``procureflow demo``: load the demo company, then serve it or run its scenarios.

Headless, every scenario in ``scenarios.SCENARIO_MODULES`` runs to its end (approving as
the demo people where the policy asks a person), a summary is printed, and the exit code
says whether every scenario succeeded.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from procureflow.adapters.db.user_store import User, UserStore
from procureflow.bootstrap import build_services, start_runtime, stop_runtime
from procureflow.cli.output import ProgressTicker, emit
from procureflow.config import Settings, get_settings
from procureflow.demo.scenarios import SCENARIO_MODULES
from procureflow.demo.scenarios.base import DEMO_PEOPLE, ScenarioResult
from procureflow.errors import Conflict
from procureflow.runtime.services import Services

console = Console()


def ensure_people(users: UserStore) -> dict[str, User]:
    """Create the demo people once; returns them by id."""
    people = {}
    for user_id, name, roles in DEMO_PEOPLE:
        try:
            people[user_id] = users.add(user_id, roles=list(roles), display_name=name)
        except Conflict:
            people[user_id] = users.get(user_id)
    return people


def load_master_data(svc: Services) -> list[dict[str, Any]]:
    """Import the demo master data unless it is there already."""
    from procureflow.adapters.db.master_repository import MasterDataRepository
    from procureflow.adapters.importers.master_import import (
        MasterDataImporter,
        import_demo_master_data,
    )
    from procureflow.domain.master import ImportContext

    if MasterDataRepository(svc.engine).load().suppliers:
        return []
    importer = MasterDataImporter(
        svc.engine,
        ImportContext(svc.settings.base_currency, svc.settings.plant_location),
    )
    return [result.to_json() for result in import_demo_master_data(importer)]


def run_scenarios(
    svc: Services, people: dict[str, User], tick: Callable[[], None] | None = None
) -> list[ScenarioResult]:
    """Run every scenario; a scenario that crashes is reported, not fatal."""
    results = []
    for name in SCENARIO_MODULES:
        module = importlib.import_module(f"procureflow.demo.scenarios.{name}")
        started = time.monotonic()
        try:
            result: ScenarioResult = module.run(svc, people)
        except Exception as exc:  # the summary says which scenario failed and why
            result = ScenarioResult(
                name=getattr(module, "TITLE", name),
                ok=False,
                problem=f"{type(exc).__name__}: {exc}",
            )
        result.details.setdefault("seconds", round(time.monotonic() - started, 2))
        results.append(result)
        if tick is not None:
            tick()
    return results


def _summary(svc: Services, results: list[ScenarioResult]) -> dict[str, Any]:
    report = svc.audit.verify()
    return {
        "database": svc.settings.database_url,
        "scenarios": [r.to_json() for r in results],
        "ok": all(r.ok for r in results) and report.ok,
        "audit": {"ok": report.ok, "entries": report.entries},
    }


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table("scenario", "result", "instances", "approvals", "seconds")
    for s in summary["scenarios"]:
        table.add_row(
            s["name"],
            "[green]ok[/green]" if s["ok"] else f"[red]failed[/red] {s['problem'] or ''}",
            str(len(s["instances"])),
            str(len(s["approvals"])),
            str(s["details"].get("seconds", "")),
        )
    console.print(table)
    audit = summary["audit"]
    console.print(
        f"audit ledger: {'intact' if audit['ok'] else 'BROKEN'}, {audit['entries']} entries"
    )
    console.print(
        "all scenarios succeeded" if summary["ok"] else "[red]some scenarios failed[/red]"
    )


# The demo people who get a dashboard token printed when the demo serves.
SIGN_IN_AS = ("olivia", "bea", "felix")


def login_hints(settings: Settings, users: UserStore) -> list[str]:
    """How to sign in: a fresh API token for the orchestrator and the approvers."""
    from procureflow.web.hint import login_hint

    roles = {uid: ", ".join(r) for uid, _, r in DEMO_PEOPLE}
    hints = []
    for user_id in SIGN_IN_AS:
        token = users.issue_token(user_id, label="demo")
        hints.append(f"{login_hint(settings, user_id, token)}\n  ({roles[user_id]})")
    return hints


def run_demo(*, headless: bool, host: str | None, port: int | None, as_json: bool) -> None:
    """Load the demo company; serve it, or run the scenarios headless and exit."""
    import typer

    # a demo is demo mode whatever the environment says: the shipped secret is accepted
    settings = get_settings().model_copy(update={"demo_mode": True})
    if headless:
        svc = start_runtime(settings)
        try:
            people = ensure_people(svc.extras["users"])
            load_master_data(svc)
            ticker = ProgressTicker(
                total=len(SCENARIO_MODULES), label="running scenarios", show=not as_json
            )
            try:
                summary = _summary(svc, run_scenarios(svc, people, tick=ticker))
            finally:
                ticker.close()
        finally:
            stop_runtime(svc)
        emit(summary, as_json=as_json, human=_print_summary)
        raise typer.Exit(0 if summary["ok"] else 1)

    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    prepare = build_services(settings)
    try:
        ensure_people(prepare.extras["users"])
        load_master_data(prepare)
        hints = login_hints(settings, prepare.extras["users"])
    finally:
        prepare.engine.dispose()
    import uvicorn

    from procureflow.api.app import create_app

    console.print(f"ProcureFlow demo at http://{settings.host}:{settings.port}/", highlight=False)
    for hint in hints:
        console.print(hint, highlight=False, soft_wrap=True)
    sys.stdout.flush()
    uvicorn.run(
        create_app(start_engine=True, settings=settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
    )


__all__ = ["ensure_people", "load_master_data", "login_hints", "run_demo", "run_scenarios"]
