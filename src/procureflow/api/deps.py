"""Dependencies shared by the routers: the services, the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from procureflow.adapters.db.user_store import User
from procureflow.api.auth import current_user
from procureflow.runtime.services import Services


def get_services(request: Request) -> Services:
    """The services of this app."""
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def get_current_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The signed-in user: bearer token, or dashboard session with its CSRF token."""
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]

__all__ = ["CurrentUser", "ServicesDep", "get_current_user", "get_services"]
