"""Mount the dashboard on the API's app: static files, login/logout, pages, live stream.

The dashboard is a set of server-rendered pages (Jinja2) with a little JavaScript of our
own (``static/app.js``) that listens to ``/live/stream`` and refreshes the parts of the
page a change concerns. Pages need a login session; ``/login`` exchanges an API token
(``procureflow users token``) and its user name for an HttpOnly session cookie; the
form carries a CSRF token bound to a pre-session cookie, and failed logins are counted in
the database (``LoginThrottle``) so that guessing is locked out across processes.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from procureflow.adapters.db.user_store import User
from procureflow.api.auth import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    LOGIN_FORM_MAX_AGE,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    csrf_matches,
    csrf_token_for,
    login_csrf_for,
    login_csrf_matches,
    login_throttle,
    sessions,
)
from procureflow.errors import Forbidden, TooManyAttempts, Unauthenticated
from procureflow.web import live

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))

NAV = (
    ("/", "Overview"),
    ("/approvals", "Approvals"),
    ("/exceptions", "Exceptions"),
    ("/events", "Events"),
    ("/documents", "Documents"),
    ("/insights", "Insights"),
    ("/playbooks", "Playbooks"),
    ("/policies", "Policies"),
    ("/audit", "Audit"),
)


# pages load only their own scripts and styles, cannot be framed, and post only to us
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class LoginRequired(Exception):
    """A page was asked for without a valid session."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_user(request: Request) -> User:
    """The user of the session cookie, or a redirect to the login page."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            return sessions(request).user(token)
        except Unauthenticated:
            pass
    raise LoginRequired(request.url.path)


def render(request: Request, user: User, template: str, **context: Any) -> HTMLResponse:
    """A page with the layout's context: user, CSRF token, navigation."""
    token = request.cookies.get(SESSION_COOKIE, "")
    secret = request.app.state.services.settings.secret_key.get_secret_value()
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf": csrf_token_for(token, secret),
            "nav": NAV,
            "path": request.url.path,
            **context,
        },
        headers=SECURITY_HEADERS,
    )


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


auth_router = APIRouter(include_in_schema=False)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_form(
    request: Request,
    *,
    next_path: str | None,
    user: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The login form with a fresh pre-session cookie and the CSRF token bound to it."""
    nonce = secrets.token_urlsafe(32)
    secret = request.app.state.services.settings.secret_key.get_secret_value()
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "next": _safe_next(next_path),
            "error": error,
            "user_name": user,
            "csrf": login_csrf_for(nonce, secret),
        },
        status_code=status_code,
        headers={**SECURITY_HEADERS, **(headers or {})},
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=int(LOGIN_FORM_MAX_AGE.total_seconds()),
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
        path="/login",
    )
    return response


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


@auth_router.get("/login")
def login_page(
    request: Request, next: str | None = None, error: str | None = None, user: str = ""
) -> Response:
    """The login form: a user name and that person's API token."""
    return _login_form(request, next_path=next, user=user[:100], error=error)


@auth_router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=500)],
    user: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Open a session for the token's user and set the session cookie.

    The form must carry the CSRF token bound to this browser's pre-session cookie; a user
    name or address with too many recent failures is refused (429 with Retry-After)
    before the token is even looked at.
    """
    secret = request.app.state.services.settings.secret_key.get_secret_value()
    if not login_csrf_matches(request.cookies.get(LOGIN_COOKIE), secret, csrf_token):
        message = "the login form expired or did not come from this site; please log in again"
        if _wants_json(request):
            raise Forbidden(message)
        return _login_form(request, next_path=next, user=user[:100], error=message, status_code=403)
    user_name = user.strip()
    if not user_name:
        return _login_form(
            request, next_path=next, error="enter your user name and API token", status_code=422
        )
    throttle = login_throttle(request)
    address = _client_address(request)
    try:
        throttle.check(user_name, address)
        _user, session = sessions(request).open(token.strip(), user_id=user_name)
    except TooManyAttempts as exc:
        if _wants_json(request):
            raise
        return _login_form(
            request,
            next_path=next,
            user=user_name,
            error=str(exc),
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except Unauthenticated as exc:
        throttle.failed(user_name, address, str(exc))
        return RedirectResponse(
            f"/login?error={quote(str(exc))}&next={quote(_safe_next(next))}"
            f"&user={quote(user_name)}",
            status_code=303,
        )
    throttle.succeeded(user_name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=int(SESSION_MAX_AGE.total_seconds()),
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@auth_router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    """Close the session (needs the session's CSRF token) and drop the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        secret = request.app.state.services.settings.secret_key.get_secret_value()
        if not csrf_matches(token, secret, csrf_token):
            raise Forbidden("missing or wrong CSRF token")
        sessions(request).close(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def mount(app: FastAPI) -> None:
    """Add the dashboard to ``app``."""
    from procureflow.web import pages, pages_admin, rfq_pages

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(auth_router)
    app.include_router(live.router)
    app.include_router(pages.router)
    app.include_router(pages_admin.router)
    app.include_router(rfq_pages.router)

    @app.exception_handler(LoginRequired)
    async def _to_login(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)


__all__ = ["LoginRequired", "mount", "page_user", "render", "templates"]
