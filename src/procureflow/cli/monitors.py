"""``procureflow monitors``: run a pass by hand (at any date), see past runs and holds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.errors import InvalidInput
from procureflow.runtime.monitors import MONITORS, monitor_store, payment_holds, run_pass

app = typer.Typer(no_args_is_help=True, help="Continuous monitors.")


def parse_moment(text: str | None) -> datetime | None:
    """``YYYY-MM-DD`` (that day, 00:00 UTC) or an ISO 8601 time; None means now."""
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"--as-of {text!r} is not a date (YYYY-MM-DD) or ISO 8601 time", subject="as_of"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _runs_table(runs: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("monitor", "as of", "status", "looked at", "found", "actions")
    for r in runs:
        table.add_row(
            r["monitor"],
            r["as_of"],
            r["status"],
            ", ".join(f"{k}={v}" for k, v in r["looked_at"].items() if not isinstance(v, dict)),
            str(r["found"].get("findings", "")),
            ", ".join(f"{k}={v}" for k, v in r["actions"].items() if v),
        )
    console.print(table)


@app.command("run")
@one_line_errors
def run_command(
    monitor: list[str] = typer.Option(
        None, "--monitor", help=f"One of {', '.join(MONITORS)} (repeatable; default all)"
    ),
    as_of: str = typer.Option(None, "--as-of", help="Run as if it were this date or time"),
    as_json: bool = JsonOption,
) -> None:
    """Run the monitors once now (or as of a date) and show what each found and did."""
    moment = parse_moment(as_of)
    with context.client() as svc:  # a client: escalations wake instances of a running engine
        runs = run_pass(svc, moment, monitor or None)
    emit(runs, as_json=as_json, human=_runs_table)


@app.command("runs")
@one_line_errors
def runs_command(
    monitor: str = typer.Option(None, "--monitor"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000),
    as_json: bool = JsonOption,
) -> None:
    """The latest recorded runs, newest first."""
    with context.store() as svc:
        runs = monitor_store(svc).runs(monitor, limit)
    emit(runs, as_json=as_json, human=_runs_table)


@app.command("holds")
@one_line_errors
def holds_command(
    supplier: str = typer.Option(None, "--supplier"),
    all_holds: bool = typer.Option(False, "--all", help="Released ones too"),
    as_json: bool = JsonOption,
) -> None:
    """Payment holds the monitors placed (active ones by default)."""
    with context.store() as svc:
        rows = payment_holds(svc).list(supplier, None if all_holds else True)

    def human(items: list[dict[str, Any]]) -> None:
        for h in items:
            state = "active" if h["active"] else f"released {h['released_at']}"
            console.print(
                f"{h['supplier_id']}: {h['reason_code']} since {h['placed_at']} ({state})"
            )

    emit(rows, as_json=as_json, human=human)
