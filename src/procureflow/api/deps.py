"""Dependencies shared by the routers: the services, the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from procureflow.adapters.db.user_store import User, UserStore
from procureflow.errors import Unauthenticated
from procureflow.runtime.services import Services


def get_services(request: Request) -> Services:
    """The services of this app."""
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def get_current_user(
    svc: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> User:
    """The user of the bearer token in the Authorization header."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated(
            "send 'Authorization: Bearer <token>' (see 'procureflow users token')"
        )
    store: UserStore = svc.extras["users"]
    return store.authenticate(authorization.split(" ", 1)[1].strip())


CurrentUser = Annotated[User, Depends(get_current_user)]

__all__ = ["CurrentUser", "ServicesDep", "get_current_user", "get_services"]
