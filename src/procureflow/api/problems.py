"""RFC 9457 problem details: the only place ProcureFlow errors become HTTP errors."""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from procureflow.errors import (
    ErrorCode,
    InvalidText,
    Overloaded,
    ProcureFlowError,
    TooManyAttempts,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://procureflow.dev/problems/"


API_PREFIXES = ("/api/", "/openapi.json", "/docs", "/redoc")


def is_api_path(path: str) -> bool:
    """True for the REST API (answered with problem documents), False for the dashboard's
    pages (answered with HTML)."""
    return path.startswith(API_PREFIXES)


def printable(text: str) -> str:
    """``text`` with NUL and lone surrogates shown escaped, safe to put in any answer."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def problem_document(
    status: int, title: str, detail: str, *, type_: str, instance: str, **extra: Any
) -> dict[str, Any]:
    """The members of a problem document (RFC 9457) and ProcureFlow's extensions."""
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": instance}
    body.update(extra)
    return body


def problem(
    status: int, title: str, detail: str, *, type_: str, instance: str, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body = problem_document(status, title, detail, type_=type_, instance=instance, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def error_page(status: int, detail: str) -> bytes:
    """A small self-contained HTML page for a dashboard request that is refused."""
    title = "Bad request" if status == 400 else "Request refused"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{title}</title></head><body><h1>{title}</h1>"
        f'<p>{html.escape(detail)}</p><p><a href="/">Back to the overview</a></p>'
        "</body></html>"
    ).encode()


def install_problem_handlers(app: FastAPI) -> None:
    """Map ProcureFlowError, validation errors and HTTP errors to problem+json."""

    @app.exception_handler(ProcureFlowError)
    async def _procureflow_error(request: Request, exc: ProcureFlowError) -> Response:
        if isinstance(exc, InvalidText) and not is_api_path(request.url.path):
            return HTMLResponse(error_page(exc.status, str(exc)), status_code=exc.status)
        response = problem(
            exc.status,
            exc.title,
            " ".join(str(exc).split()),
            type_=TYPE_BASE + exc.code.value,
            instance=printable(request.url.path),
            code=exc.code.value,
        )
        if isinstance(exc, Overloaded):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'])}: {first['msg']}"
        if not is_api_path(request.url.path):  # a dashboard page or form
            return HTMLResponse(error_page(422, detail), status_code=422)
        return problem(
            422,
            "Invalid request",
            detail,
            type_=TYPE_BASE + "invalid-request",
            instance=printable(request.url.path),
            errors=errors,
        )

    @app.exception_handler(ValidationError)
    async def _model_error(request: Request, exc: ValidationError) -> JSONResponse:
        # a request body a handler validates itself (e.g. against a domain model)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid input"}
        return problem(
            422,
            "Invalid request",
            f"{'.'.join(first['loc'])}: {first['msg']}",
            type_=TYPE_BASE + "invalid-request",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(sa_exc.DataError)
    async def _data_error(request: Request, exc: sa_exc.DataError) -> Response:
        # the last line of defence: a value the database refuses as data (too long for its
        # column, a number out of range, text it cannot keep) is the request's fault, and
        # the transaction that met it was rolled back. Inputs are bounded where they come
        # in; this keeps one that slipped through from being a server error.
        log.warning(
            "database refused a value of %s %s: %s", request.method, request.url.path, exc.orig
        )
        detail = "a value is too long, out of range or not storable where it is kept"
        if not is_api_path(request.url.path):
            return HTMLResponse(error_page(422, detail), status_code=422)
        return problem(
            422,
            "Invalid input",
            detail,
            type_=TYPE_BASE + ErrorCode.INVALID_INPUT.value,
            instance=printable(request.url.path),
            code=ErrorCode.INVALID_INPUT.value,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            exc.status_code,
            str(exc.detail),
            str(exc.detail),
            type_=TYPE_BASE + f"http-{exc.status_code}",
            instance=request.url.path,
        )


__all__ = [
    "PROBLEM_JSON",
    "TYPE_BASE",
    "error_page",
    "install_problem_handlers",
    "is_api_path",
    "printable",
    "problem",
    "problem_document",
]
