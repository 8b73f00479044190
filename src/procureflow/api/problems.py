"""RFC 9457 problem details: the only place ProcureFlow errors become HTTP errors."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from procureflow.errors import Overloaded, ProcureFlowError, TooManyAttempts

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://procureflow.dev/problems/"


def problem(
    status: int, title: str, detail: str, *, type_: str, instance: str, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": instance}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_problem_handlers(app: FastAPI) -> None:
    """Map ProcureFlowError, validation errors and HTTP errors to problem+json."""

    @app.exception_handler(ProcureFlowError)
    async def _procureflow_error(request: Request, exc: ProcureFlowError) -> JSONResponse:
        response = problem(
            exc.status,
            exc.title,
            " ".join(str(exc).split()),
            type_=TYPE_BASE + exc.code.value,
            instance=request.url.path,
            code=exc.code.value,
        )
        if isinstance(exc, Overloaded):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'])}: {first['msg']}"
        return problem(
            422,
            "Invalid request",
            detail,
            type_=TYPE_BASE + "invalid-request",
            instance=request.url.path,
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

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            exc.status_code,
            str(exc.detail),
            str(exc.detail),
            type_=TYPE_BASE + f"http-{exc.status_code}",
            instance=request.url.path,
        )


__all__ = ["PROBLEM_JSON", "install_problem_handlers", "problem"]
