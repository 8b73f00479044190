"""The one gate text passes before any handler: the path, the query, the headers the app
reads, and text bodies (JSON, YAML, forms) must be UTF-8 without NUL characters, and a
JSON body must hold no lone surrogate once decoded.

PostgreSQL refuses such text with an error that used to surface as a 500 on any endpoint
that looked it up or stored it; SQLite kept it. Refusing it here, with a 400 problem
naming the parameter or field, means no handler and no store has to think about it. The
API answers ``application/problem+json``; the dashboard's pages answer a small HTML page.

Multipart bodies are not buffered here (uploads are large): their text parts and file
names are checked by :func:`check_request_text`, a dependency of every route that reads
the form FastAPI has already parsed; it also names a bad path parameter, which only
routing knows. The content of a file is the reader's business (a CSV
is checked where it is decoded, a mail's text where the mail is parsed).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, get_args, get_origin
from urllib.parse import unquote, unquote_to_bytes

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile

from procureflow.api.problems import (
    PROBLEM_JSON,
    TYPE_BASE,
    error_page,
    is_api_path,
    printable,
    problem_document,
)
from procureflow.domain.text_checks import bad_text_in, bytes_problem, check_text
from procureflow.errors import ErrorCode, InvalidInput, InvalidText

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TEXT_BODY_LIMIT = 16 * 1024 * 1024
"""Largest text body (JSON, YAML, form) read into memory; larger ones get a 413."""
MAX_FILE_NAME = 255
"""Longest upload file name kept (what file systems allow; the stores keep more)."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects a JSON body may have."""
CHECKED_HEADERS = ("authorization", "cookie", "x-csrf-token", "content-type", "last-event-id")
"""The request headers the app reads."""
BAD_PATH = "procureflow_bad_path"


class Refusal(Exception):
    """Where the bad text is (``loc``, as in validation errors) and what is wrong."""

    def __init__(
        self,
        loc: list[str | int],
        problem: str,
        *,
        status: int = 400,
        code: str = ErrorCode.INVALID_TEXT.value,
        title: str = InvalidText.title,
    ) -> None:
        super().__init__(problem)
        self.loc = loc
        self.problem = problem
        self.status = status
        self.code = code
        self.title = title

    @property
    def detail(self) -> str:
        where = {"path": "path parameter", "query": "query parameter", "header": "header"}
        kind, *rest = self.loc or ["request"]
        if kind in where and rest:
            return f"{where[str(kind)]} '{rest[0]}' {self.problem}"
        if kind in ("body", "form") and rest:
            return f"{kind} field '{'.'.join(str(p) for p in rest)}' {self.problem}"
        return f"{kind} {self.problem}"


def _media_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media_type: bytes = value.split(b";", 1)[0].strip().lower()
            return media_type.decode("latin-1")
    return ""


def _is_text_body(media_type: str) -> bool:
    return (
        media_type in ("application/json", "application/x-www-form-urlencoded")
        or media_type.endswith("+json")
        or media_type in ("application/yaml", "application/x-yaml", "text/yaml")
        or media_type.startswith("text/")
    )


def _bad_path_segments(scope: Scope) -> list[tuple[int, str, str]]:
    """(index, segment as routing sees it, problem) of each path segment that is not
    storable text. Routing decodes the path replacing bytes that are not UTF-8, so the raw
    path is what is checked."""
    raw = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8", "surrogateescape")
    found = []
    for index, segment in enumerate(raw.split(b"/")):
        problem = bytes_problem(unquote_to_bytes(segment))
        if problem is not None:
            found.append((index, unquote(segment.decode("latin-1"), errors="replace"), problem))
    return found


def _check_pairs(data: bytes, where: str) -> None:
    """Query strings and url-encoded forms: every name and value."""
    for pair in data.split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        problem = bytes_problem(name_bytes)
        if problem is not None:
            raise Refusal([where], f"parameter name {problem}")
        name = name_bytes.decode("utf-8")
        problem = bytes_problem(unquote_to_bytes(raw_value.replace(b"+", b" ")))
        if problem is not None:
            raise Refusal([where, name], problem)


def _check_headers(scope: Scope) -> None:
    for raw_name, value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        if name in CHECKED_HEADERS:
            problem = bytes_problem(value)
            if problem is not None:
                raise Refusal(["header", name], problem)


def _too_deep() -> Refusal:
    return Refusal(
        ["body"],
        f"is nested more than {MAX_JSON_DEPTH} levels deep",
        code="body-too-deep",
        title="Request body nested too deeply",
    )


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when arrays and objects nest deeper than ``limit`` (checked without recursion:
    every reader after this one recurses, and a deep enough body would exhaust its stack)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _check_body(media_type: str, body: bytes) -> None:
    if media_type == "application/x-www-form-urlencoded":
        _check_pairs(body, "form")
        return
    is_json = media_type == "application/json" or media_type.endswith("+json")
    problem = bytes_problem(body)
    if problem is not None and not (is_json and problem.startswith("is not UTF-8")):
        raise Refusal(["body"], problem)
    if not is_json:
        return
    # bytes that are not UTF-8 come back as lone surrogates U+DC80..U+DCFF, so that the
    # field holding them can be named
    try:
        decoded = json.loads(body.decode("utf-8", "surrogateescape"))
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        if problem is not None:
            raise Refusal(["body"], problem) from None
        return  # not JSON: the route's own validation answers
    if _depth_exceeds(decoded, MAX_JSON_DEPTH):
        raise _too_deep()
    for path, found in bad_text_in(decoded):
        if problem is not None and "lone surrogate U+DC" in found:
            found = problem.split(" (", 1)[0] + " text"
        raise Refusal(["body", *path], found)
    if problem is not None:
        raise Refusal(["body"], problem)


def refusal_body(scope: Scope, refusal: Refusal) -> tuple[bytes, str]:
    """The answer's body and media type: a problem document for the API, a page otherwise."""
    path = str(scope.get("path", ""))
    if not is_api_path(path):
        return error_page(refusal.status, refusal.detail), "text/html; charset=utf-8"
    document = problem_document(
        refusal.status,
        refusal.title,
        refusal.detail,
        type_=TYPE_BASE + refusal.code,
        instance=printable(path),
        code=refusal.code,
        errors=[{"loc": [str(p) for p in refusal.loc], "msg": refusal.problem}],
    )
    return json.dumps(document).encode("utf-8"), PROBLEM_JSON


async def _refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
    body, media_type = refusal_body(scope, refusal)
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", media_type.encode("latin-1")),
                (b"content-length", str(len(body)).encode("latin-1")),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class InputGuard:
    """ASGI middleware refusing text that cannot be stored, before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        media_type = _media_type(scope)
        bad_path = _bad_path_segments(scope)
        if bad_path:
            # named by check_request_text once routing knows the path parameters
            scope.setdefault("state", {})[BAD_PATH] = bad_path
        try:
            _check_pairs(scope.get("query_string", b""), "query")
            _check_headers(scope)
            if _is_text_body(media_type):
                body = await _read_body(receive)
                _check_body(media_type, body)
                receive = _replay(body, receive)
        except Refusal as refusal:
            await _refuse(scope, send, refusal)
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > TEXT_BODY_LIMIT:
            raise Refusal(
                ["body"],
                f"is larger than {TEXT_BODY_LIMIT} bytes; send a smaller one",
                status=413,
                code="body-too-large",
                title="Request body too large",
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _takes_many(annotation: Any) -> bool:
    """True when a parameter's type is a list (or an optional list)."""
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_takes_many(arg) for arg in get_args(annotation) if arg is not type(None))


def _query_names(dependant: Any, single: dict[str, bool]) -> dict[str, bool]:
    """Every query parameter of a route (its dependencies' too): name -> takes one value."""
    for field in getattr(dependant, "query_params", ()):
        single[field.alias] = not _takes_many(field.field_info.annotation)
    for sub in getattr(dependant, "dependencies", ()):
        _query_names(sub, single)
    return single


def _check_repeated_query(request: Request) -> None:
    """A query parameter that takes one value, given twice, is refused: otherwise the
    last one would win silently and the first be ignored."""
    names = [name for name, _ in request.query_params.multi_items()]
    repeated = {name for name in names if names.count(name) > 1}
    if not repeated:
        return
    route = request.scope.get("route")
    single = _query_names(getattr(route, "dependant", None), {})
    errors = [
        {
            "loc": ("query", name),
            "msg": "takes one value; it was given more than once",
            "type": "repeated_parameter",
            "input": request.query_params.getlist(name),
        }
        for name in sorted(repeated)
        if single.get(name)
    ]
    if errors:
        raise RequestValidationError(errors)


async def check_request_text(request: Request) -> None:
    """Dependency of every route, run before the others: a path parameter the middleware
    found bad is refused under its name; the text parts and file names of a multipart form
    must be storable text. Only a form FastAPI has parsed already for the route is looked
    at (a route reading the raw stream must still find it unread)."""
    for index, shown, problem in getattr(request.state, BAD_PATH, None) or ():
        for name, value in request.path_params.items():
            if isinstance(value, str) and shown and shown in value:
                raise InvalidText(problem, subject=f"path parameter '{name}'")
        raise InvalidText(problem, subject=f"path segment {index}")
    _check_repeated_query(request)
    form = getattr(request, "_form", None)  # Starlette's cache of the parsed form
    if form is None:
        return
    for name, value in form.multi_items():
        check_text(name, "form field name")
        if isinstance(value, UploadFile):
            if value.filename is not None:
                check_text(value.filename, f"file name of form field '{name}'")
                if len(value.filename) > MAX_FILE_NAME:
                    raise InvalidInput(
                        f"is longer than {MAX_FILE_NAME} characters",
                        subject=f"file name of form field '{name}'",
                    )
        else:
            check_text(value, f"form field '{name}'")


__all__ = ["InputGuard", "Refusal", "check_request_text", "refusal_body"]
