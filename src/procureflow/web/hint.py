"""How to log in to the dashboard, for the demo and ``serve`` to print."""

from __future__ import annotations

from procureflow.config import Settings


def login_hint(settings: Settings, user_id: str | None = None, token: str | None = None) -> str:
    """A few lines telling a person where the dashboard is and how to log in."""
    url = f"http://{settings.host}:{settings.port}/login"
    if token:
        if user_id:
            return (
                f"Dashboard: {url}?user={user_id}\n"
                f"Log in as {user_id} (user name) with the API token:\n  {token}"
            )
        return f"Dashboard: {url}\nLog in with your user name and the API token:\n  {token}"
    return (
        f"Dashboard: {url}\n"
        "Log in with your user name and an API token. Create a user and a token with:\n"
        "  procureflow users add YOUR-ID --role orchestrator\n"
        "  procureflow users token YOUR-ID"
    )


__all__ = ["login_hint"]
