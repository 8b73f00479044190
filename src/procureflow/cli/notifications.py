"""``procureflow notifications``: who is told what (per role), and the outbox."""

from __future__ import annotations

from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.domain.clock import utcnow
from procureflow.runtime.notifications import notification_pass, outbox_of

app = typer.Typer(no_args_is_help=True, help="Notification subscriptions and outbox.")


@app.command("subscribe")
@one_line_errors
def subscribe_command(
    role: str = typer.Option(..., "--role", help="Exceptions owned by this role"),
    email: str = typer.Option(None, "--email", help="Send mail to this address"),
    webhook: str = typer.Option(None, "--webhook", help="POST signed JSON to this URL"),
    secret: str = typer.Option(None, "--secret", help="HMAC secret of the webhook"),
    min_severity: str = typer.Option("low", "--min-severity", help="low, medium, high, critical"),
    user: str = typer.Option("cli", "--as", help="Who sets it up"),
    as_json: bool = JsonOption,
) -> None:
    """Tell a role about its exceptions by email or webhook."""
    channel, target = ("webhook", webhook) if webhook else ("email", email or "")
    with context.store() as svc:
        row = outbox_of(svc).subscribe(
            role=role,
            channel=channel,
            target=target,
            min_severity=min_severity,
            secret=secret,
            by=user,
        )
    emit(
        row,
        as_json=as_json,
        human=lambda r: console.print(f"{r['id']}: {r['role']} → {r['channel']} {r['target']}"),
    )


@app.command("unsubscribe")
@one_line_errors
def unsubscribe_command(
    subscription_id: str = typer.Argument(...), as_json: bool = JsonOption
) -> None:
    """Stop a subscription."""
    with context.store() as svc:
        outbox_of(svc).store.unsubscribe(subscription_id)
    emit(
        {"id": subscription_id, "removed": True},
        as_json=as_json,
        human=lambda r: console.print(f"{r['id']}: removed"),
    )


@app.command("subscriptions")
@one_line_errors
def subscriptions_command(
    role: str = typer.Option(None, "--role"), as_json: bool = JsonOption
) -> None:
    """Who is told about which role's exceptions."""
    with context.store() as svc:
        rows = [
            {k: v for k, v in s.items() if k != "secret"}
            for s in outbox_of(svc).store.subscriptions(role)
        ]

    def human(items: list[dict[str, Any]]) -> None:
        for s in items:
            console.print(
                f"{s['id']}: {s['role']} ≥ {s['min_severity']} → {s['channel']} {s['target']}"
            )

    emit(rows, as_json=as_json, human=human)


@app.command("list")
@one_line_errors
def list_command(
    status: str = typer.Option(None, "--status", help="pending, sent, failed"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    as_json: bool = JsonOption,
) -> None:
    """The outbox, newest first."""
    with context.store() as svc:
        rows = outbox_of(svc).store.recent(status, limit)

    def human(items: list[dict[str, Any]]) -> None:
        for n in items:
            console.print(
                f"{n['id']} {n['status']} ({n['attempts']}) {n['channel']} {n['target']}: {n['subject']}"
            )

    emit(rows, as_json=as_json, human=human)


@app.command("retry")
@one_line_errors
def retry_command(notification_id: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Queue a failed notification again (after fixing the endpoint)."""
    with context.store() as svc:
        row = outbox_of(svc).store.retry(notification_id, utcnow())
    emit(row, as_json=as_json, human=lambda r: console.print(f"{r['id']}: {r['status']}"))


@app.command("send")
@one_line_errors
def send_command(as_json: bool = JsonOption) -> None:
    """Announce new exceptions and deliver what is due now (the scheduled pass, by hand)."""
    with context.store() as svc:
        counts = notification_pass(svc)
    emit(
        counts,
        as_json=as_json,
        human=lambda c: console.print(", ".join(f"{k}={v}" for k, v in c.items())),
    )
