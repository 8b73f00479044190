"""``procureflow events``: send and list CloudEvents."""

from __future__ import annotations

import json
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.domain.cloudevents import new_event
from procureflow.errors import EventInvalid
from procureflow.runtime.dispatch import EventDispatcher

app = typer.Typer(no_args_is_help=True, help="CloudEvents in and out.")


def _parse_data(data: str | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise EventInvalid(f"--data is not JSON: {exc.msg} at position {exc.pos}") from None


@app.command("send")
@one_line_errors
def send(
    type: str = typer.Option(..., "--type", help="Event type, e.g. supplier.delay_notice"),
    source: str = typer.Option(..., "--source", help="Event source URI"),
    id: str = typer.Option(None, "--id", help="Event id (default: a new UUID)"),
    data: str = typer.Option(None, "--data", help="Event data as JSON"),
    subject: str = typer.Option(None, "--subject"),
    wait: bool = typer.Option(
        False, "--wait", help="Run the started instances here until they finish or wait."
    ),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait with --wait."),
    as_json: bool = JsonOption,
) -> None:
    """Send one CloudEvent; a repeat of (source, id) starts nothing (duplicate)."""
    event = new_event(type=type, source=source, data=_parse_data(data), subject=subject, id=id)
    opener = context.engine if wait else context.client
    with opener() as svc:
        result = EventDispatcher(svc).ingest(event, actor="cli").to_json()
        if wait and result["started"]:
            result["statuses"] = context.wait_until_settled(svc, result["started"], timeout)

    def human(r: dict[str, Any]) -> None:
        if r["duplicate"]:
            console.print(f"duplicate event {source} {id}: nothing started")
        else:
            console.print(
                f"event stored; started {len(r['started'])} instance(s): "
                f"{', '.join(r['started']) or '-'}"
            )

    emit(result, as_json=as_json, human=human)


@app.command("list")
@one_line_errors
def list_events(
    type: str = typer.Option(None, "--type"),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JsonOption,
) -> None:
    """Received events, newest first."""
    with context.store() as svc:
        rows = svc.events.recent(type=type, limit=limit)

    def human(items: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("received", "type", "source", "id", "started")
        for e in items:
            table.add_row(e["received_at"], e["type"], e["source"], e["id"], str(len(e["started"])))
        console.print(table)

    emit(rows, as_json=as_json, human=human)


@app.command("replay")
@one_line_errors
def replay(
    key: str = typer.Argument(..., help="The event's key (`events list`, or `event` in ingest)."),
    actor: str = typer.Option(None, "--as", help="Who replays it (default: your login name)."),
    as_json: bool = JsonOption,
) -> None:
    """Start the playbooks a stored event triggers, when it started none on arrival
    (e.g. it came in before the playbooks were registered)."""
    from procureflow.cli.output import actor_name

    with context.client() as svc:
        result = EventDispatcher(svc).replay(key, actor=actor_name(actor))
    emit(
        {"event": result.key, "started": result.started},
        as_json=as_json,
        human=lambda r: console.print(f"event {r['event']} started {', '.join(r['started'])}"),
    )
