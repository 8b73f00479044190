"""``procureflow workers``: the processes that run instances, and taking over the work of
one that died."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Worker processes (executors).")


@app.command("list")
@one_line_errors
def list_command(as_json: bool = JsonOption) -> None:
    """Every executor seen, with its last heartbeat, whether it is silent, and how many
    instances it still owns."""
    from procureflow.adapters.db.executor_store import ExecutorStore
    from procureflow.runtime.orphans import pending_workflows

    with context.client() as svc:
        silent_after = timedelta(seconds=svc.settings.executor_silent_after_seconds)
        silent = {e["id"] for e in ExecutorStore(svc.engine).silent(silent_after)}
        rows = []
        for executor in ExecutorStore(svc.engine).all():
            state = "stopped" if executor["stopped_at"] else "alive"
            if executor["id"] in silent and not executor["stopped_at"]:
                state = "silent"
            rows.append(
                {**executor, "state": state, "pending": len(pending_workflows(svc, executor["id"]))}
            )

    def human(items: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("executor", "state", "pending", "last beat", "host", "pid")
        for r in items:
            table.add_row(
                r["id"], r["state"], str(r["pending"]), r["beat_at"], r["host"], str(r["pid"])
            )
        console.print(table)

    emit(rows, as_json=as_json, human=human)


@app.command("recover")
@one_line_errors
def recover_command(
    from_executor: str = typer.Option(
        ..., "--from", help="The executor whose pending instances live workers take over."
    ),
    actor: str = typer.Option(None, "--as", help="Who does it (default: your login name)."),
    as_json: bool = JsonOption,
) -> None:
    """Hand a dead worker's pending instances to the live ones; each resumes from its last
    checkpoint. Only for a worker that is really gone: a live one would run them too."""
    from procureflow.cli.output import actor_name
    from procureflow.runtime.orphans import recover

    with context.client() as svc:
        moved = recover(svc, from_executor, actor=actor_name(actor))
    emit(
        {"executor": from_executor, "recovered": moved},
        as_json=as_json,
        human=lambda r: console.print(
            f"{len(r['recovered'])} instances of {r['executor']} handed to live workers"
        ),
    )
