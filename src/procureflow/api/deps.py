"""Dependencies shared by the routers: the services, the current user."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from procureflow.adapters.db.user_store import User
from procureflow.api.auth import current_user
from procureflow.api.problem_docs import problem_responses
from procureflow.runtime.services import Services


def get_services(request: Request) -> Services:
    """The services of this app."""
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def get_current_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The signed-in user: bearer token, or dashboard session with its CSRF token."""
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def intake_open(svc: ServicesDep) -> None:
    """Refuse new work with 503 and Retry-After while the instance queue is full."""
    from procureflow.runtime.intake_gauge import intake_gauge

    intake_gauge(svc).check()


IntakeOpen = Depends(intake_open)
"""Route dependency of every endpoint that can start instances."""

OVERLOADED_RESPONSE: dict[int | str, dict[str, Any]] = {
    503: {
        **problem_responses(503)[503],
        "description": "Too much work is waiting for the workers; the Retry-After header "
        "says when to try again.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
}

__all__ = [
    "OVERLOADED_RESPONSE",
    "CurrentUser",
    "IntakeOpen",
    "ServicesDep",
    "get_current_user",
    "get_services",
    "intake_open",
]
