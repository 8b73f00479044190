"""``procureflow users``: people, roles and API tokens (issued with an expiry, listed and
revoked by id; revocations are audited with the person who did them)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, actor_name, console, emit, one_line_errors
from procureflow.errors import InvalidInput

app = typer.Typer(no_args_is_help=True, help="Users, roles and API tokens.")
tokens_app = typer.Typer(no_args_is_help=True, help="List and revoke API tokens and sessions.")
app.add_typer(tokens_app, name="tokens")

_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([dhm]?)")


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m`` or a plain number of days, as a positive duration."""
    found = _DURATION.fullmatch(text.strip().lower())
    if not found or float(found.group(1)) <= 0:
        raise InvalidInput(
            f"--expires-in is a positive duration such as 90d, 12h or 30m, not {text!r}"
        )
    return timedelta(**{_UNITS[found.group(2) or "d"]: float(found.group(1))})


ActorOption = typer.Option(
    None, "--actor", help="Who does this, for the audit ledger (default: cli:<login name>)"
)


@app.command("add")
@one_line_errors
def add_command(
    user_id: str = typer.Argument(...),
    role: list[str] = typer.Option(..., "--role", help="A role; repeat for several"),
    name: str = typer.Option(None, "--name"),
    email: str = typer.Option(None, "--email"),
    as_json: bool = JsonOption,
) -> None:
    """Add a user with one or more roles."""
    with context.store() as svc:
        user = svc.extras["users"].add(user_id, roles=role, display_name=name, email=email)
    emit(
        user.to_json(),
        as_json=as_json,
        human=lambda u: console.print(f"added {u['id']} ({', '.join(u['roles'])})"),
    )


@app.command("list")
@one_line_errors
def list_command(as_json: bool = JsonOption) -> None:
    """Every user with their roles."""
    with context.store() as svc:
        rows = [u.to_json() for u in svc.extras["users"].all()]

    def human(items: list[dict[str, Any]]) -> None:
        for u in items:
            console.print(f"{u['id']}: {', '.join(u['roles'])}")

    emit(rows, as_json=as_json, human=human)


@app.command("token")
@one_line_errors
def token_command(
    user_id: str = typer.Argument(...),
    label: str = typer.Option(None, "--label"),
    expires_in: str = typer.Option(
        None,
        "--expires-in",
        help="Lifetime such as 90d, 12h or 30m (default: the api_token_days setting)",
    ),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Issue an API token (printed once; only its hash is stored) that expires."""
    lifetime = parse_duration(expires_in) if expires_in is not None else None
    with context.store() as svc:
        issued = svc.extras["users"].issue(
            user_id, label, expires_in=lifetime, actor=actor_name(actor)
        )
    emit(
        {
            "user": user_id,
            "token": issued.token,
            "id": issued.id,
            "expires_at": issued.expires_at.isoformat(),
        },
        as_json=as_json,
        human=lambda r: console.print(r["token"]),
    )


def _token_table(rows: list[dict[str, Any]]) -> None:
    for t in rows:
        console.print(
            f"{t['id']}  {t['kind']:<7} {t['state']:<7} expires {t['expires_at'] or '-'}"
            f"  {t['label'] or ''}".rstrip(),
            highlight=False,
        )


@tokens_app.command("list")
@one_line_errors
def tokens_list_command(user_id: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """A user's API tokens and sessions: id, state, expiry (never the secrets)."""
    with context.store() as svc:
        rows = svc.extras["users"].tokens(user_id)
    emit(rows, as_json=as_json, human=_token_table)


@tokens_app.command("revoke")
@one_line_errors
def tokens_revoke_command(
    token_id: str = typer.Argument(None, help="Id from 'users tokens list'"),
    all_of: str = typer.Option(None, "--all", help="Revoke every token and session of USER"),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Revoke one token by its id, or every token and session of a user (--all USER)."""
    if (token_id is None) == (all_of is None):
        raise InvalidInput("name a TOKEN_ID or --all USER (one of the two)")
    with context.store() as svc:
        users = svc.extras["users"]
        if all_of is not None:
            rows = users.revoke_all(all_of, actor=actor_name(actor))
        else:
            rows = [users.revoke(token_id, actor=actor_name(actor))]
    emit(rows, as_json=as_json, human=_token_table)
