"""Who is calling, and may they: bearer tokens, dashboard sessions, CSRF and role checks.

Two ways in:

* ``Authorization: Bearer <token>`` — an API token (``procureflow users token``). No
  cookie is involved, so no CSRF check is needed.
* the ``pf_session`` cookie the dashboard sets at login (Secure when served over HTTPS,
  HttpOnly, SameSite=Strict). A browser sends cookies by itself, so every state-changing
  request carrying it must also carry the session's CSRF token, in the ``X-CSRF-Token``
  header (the dashboard's scripts) or the ``csrf_token`` form field (its forms). The CSRF
  token is an HMAC of the session token under the server's secret: nothing to store, and
  a page of another origin can neither read nor compute it.

Every router declares what it needs with ``require_roles(...)``: no roles means any
signed-in person; otherwise at least one of the roles. Segregation of duties (nobody
approves their own request) is checked where the decision is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from procureflow.adapters.db.login_throttle import LoginThrottle
from procureflow.adapters.db.sessions import SESSION_PREFIX, SessionStore
from procureflow.adapters.db.user_store import User, UserStore
from procureflow.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "pf_session"
# the pre-session cookie of the login form: a random nonce the form's CSRF token is bound to
LOGIN_COOKIE = "pf_login"
LOGIN_FORM_MAX_AGE = timedelta(hours=1)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = timedelta(hours=12)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Role groups the routers use, named by what the people in them do.
ALL_ROLES = (
    "orchestrator",
    "buyer",
    "category_manager",
    "budget_owner",
    "cfo",
    "legal",
    "accounts_payable",
    "compliance",
    "supplier_integration",
    "auditor",
    "admin",
)
OPERATORS = ("orchestrator", "admin")
REQUESTERS = ("orchestrator", "buyer", "category_manager", "admin", "supplier_integration")
# Events that speak for a supplier (delay notices, confirmations, price changes) come only
# from an integration that holds this role (a supplier portal); people cannot post them.
SUPPLIER_VOICE = "supplier_integration"
APPROVERS = tuple(role for role in ALL_ROLES if role != "auditor")
DOCUMENT_EDITORS = tuple(role for role in ALL_ROLES if role != "auditor")
POLICY_ANALYSTS = ("orchestrator", "admin", "auditor", "cfo", "budget_owner")

_bearer = HTTPBearer(auto_error=False, description="API token from 'procureflow users token'")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Dashboard session (log in at /login)"
)
_csrf = APIKeyHeader(
    name=CSRF_HEADER,
    auto_error=False,
    description="CSRF token of the session; needed with the cookie on state-changing requests",
)


def csrf_token_for(session_token: str, secret: str) -> str:
    """The CSRF token that belongs to a session."""
    return hmac.new(
        secret.encode("utf-8"), b"csrf:" + session_token.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def csrf_matches(session_token: str, secret: str, presented: str | None) -> bool:
    """True when ``presented`` is the session's CSRF token (compared in constant time)."""
    if not presented:
        return False
    return hmac.compare_digest(csrf_token_for(session_token, secret), presented)


def login_csrf_for(nonce: str, secret: str) -> str:
    """The CSRF token of a login form, bound to the nonce of its pre-session cookie."""
    return hmac.new(
        secret.encode("utf-8"), b"login-form:" + nonce.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def login_csrf_matches(nonce: str | None, secret: str, presented: str | None) -> bool:
    """True when the login form's token belongs to the browser's pre-session cookie."""
    if not nonce or not presented:
        return False
    return hmac.compare_digest(login_csrf_for(nonce, secret), presented)


def refuse_cross_site(request: Request) -> None:
    """Refuse a state-changing request a page of another site made a browser send.

    Browsers name the page's origin in ``Origin`` (and ``Referer``) on a POST; it must be
    this server, as the request reached it or as ``public_url`` names it. A request with
    neither header is not a cross-site browser form (an API client or portal): allowed.
    """
    origin = request.headers.get("origin")
    source = origin or request.headers.get("referer")
    if not source:
        return
    netloc = urlsplit(source).netloc.lower() if source != "null" else ""
    allowed = {request.url.netloc.lower()}
    public_url = getattr(_services(request).settings, "public_url", None)
    if public_url:
        allowed.add(urlsplit(public_url).netloc.lower())
    if netloc not in allowed:
        raise Forbidden("a request sent by a page of another site is refused")


def _services(request: Request) -> Any:
    return request.app.state.services


def sessions(request: Request) -> SessionStore:
    """The session store of this app."""
    svc = _services(request)
    return SessionStore(svc.engine, svc.audit, max_age=SESSION_MAX_AGE)


def login_throttle(request: Request) -> LoginThrottle:
    """Failed-login counting and lockouts with the limits of the settings."""
    svc = _services(request)
    settings = svc.settings
    return LoginThrottle(
        svc.engine,
        svc.audit,
        max_failures=settings.login_max_failures,
        max_failures_per_address=settings.login_max_failures_per_address,
        window=timedelta(minutes=settings.login_window_minutes),
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )


def current_user(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: Annotated[str | None, Depends(_cookie)],
    csrf: Annotated[str | None, Depends(_csrf)],
) -> User:
    """The signed-in user, from a bearer token or a session cookie (with CSRF when writing)."""
    svc = _services(request)
    if bearer is not None:
        if bearer.credentials.startswith(SESSION_PREFIX):
            raise Unauthenticated("a session token is not an API token")
        users: UserStore = svc.extras["users"]
        return users.authenticate(bearer.credentials.strip())
    if request.headers.get("authorization"):
        raise Unauthenticated(
            "send 'Authorization: Bearer <token>' (see 'procureflow users token')"
        )
    if session:
        user = sessions(request).user(session)
        if request.method not in SAFE_METHODS and not csrf_matches(
            session, svc.settings.secret_key.get_secret_value(), csrf
        ):
            raise Forbidden(f"missing or wrong CSRF token (send the {CSRF_HEADER} header)")
        return user
    raise Unauthenticated(
        "send 'Authorization: Bearer <token>' (see 'procureflow users token') or log in at /login"
    )


def require_roles(*roles: str) -> Callable[..., User]:
    """A dependency admitting a signed-in user with one of ``roles`` (any role if none)."""
    wanted = frozenset(roles)

    def check(user: Annotated[User, Depends(current_user)]) -> User:
        if wanted and not user.roles & wanted:
            raise Forbidden(f"this needs one of the roles {', '.join(sorted(wanted))}")
        return user

    check.__name__ = "require_" + ("_or_".join(sorted(wanted)) or "signed_in")
    return check


def access(write_roles: Iterable[str]) -> Any:
    """Router-level dependency: any signed-in person may read (GET/HEAD); requests that
    change state need one of ``write_roles``."""
    wanted = frozenset(write_roles)

    def check(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
        if request.method not in SAFE_METHODS and not user.roles & wanted:
            raise Forbidden(f"this needs one of the roles {', '.join(sorted(wanted))}")
        return user

    check.__name__ = "access_writes_" + "_or_".join(sorted(wanted))
    return Depends(check)


SignedIn = Depends(require_roles())
"""Router-level dependency: any signed-in person."""

Reader = Annotated[User, Depends(require_roles())]

__all__ = [
    "ALL_ROLES",
    "APPROVERS",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "DOCUMENT_EDITORS",
    "LOGIN_COOKIE",
    "LOGIN_FORM_MAX_AGE",
    "OPERATORS",
    "SUPPLIER_VOICE",
    "POLICY_ANALYSTS",
    "REQUESTERS",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "Reader",
    "SignedIn",
    "access",
    "csrf_matches",
    "csrf_token_for",
    "refuse_cross_site",
    "current_user",
    "login_csrf_for",
    "login_csrf_matches",
    "login_throttle",
    "require_roles",
    "sessions",
]
