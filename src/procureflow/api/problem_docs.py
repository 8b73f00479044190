"""Every status code an operation can answer is in the OpenAPI document, with the problem
schema for the errors.

Two sources, one helper. A router names the codes only its handler can produce
(``responses=problem_responses(404, 409)``: an id that names nothing, a state that refuses
the request). :func:`document_problems` adds, when the document is built, the codes that
follow from how an operation is declared, so that no router repeats them:

* 400 on every operation: the input guard refuses text that cannot be stored anywhere in
  a request (path, query, headers, body), and an unreadable body is a 400 too;
* 401 and 403 on every operation that needs a signed-in user (it declares security);
* 404 on every operation with a path parameter (a value with an encoded ``/`` matches no
  route, and lookups by id answer 404);
* 413 on every operation taking a JSON, YAML or form body (read into memory up to a limit);
* 422 on every operation with a parameter or a body (validation), with the problem schema
  instead of FastAPI's default.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from procureflow.api.problems import PROBLEM_JSON

PROBLEM_REF = "#/components/schemas/Problem"

REASONS: dict[int, str] = {
    400: "Bad request: text that cannot be stored (a NUL character, bytes that are not "
    "UTF-8, a lone surrogate) or a body that cannot be parsed; the problem names where.",
    401: "No credentials, or credentials that are not valid (a missing, revoked or unknown token).",
    403: "Signed in, but the role may not do this (or a CSRF token is missing, or a link's "
    "signature does not match).",
    404: "Nothing with this id or name.",
    409: "The current state refuses the request (already decided, already signed, stale "
    "digest, taken number).",
    410: "The link has expired.",
    413: "The body or uploaded file is larger than the limit; nothing was stored.",
    415: "The body's media type is not one this operation reads.",
    422: "Well-formed but invalid input: a parameter or field that does not validate, or a "
    "document (playbook, policy, file) that is refused; ``errors`` lists what.",
    429: "Too many requests; retry later.",
    503: "A service this operation needs is not available; retry later.",
}


class ProblemError(BaseModel):
    """One validation finding: where (``loc``) and what (``msg``)."""

    loc: list[str]
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem document, as every error of the API is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI naming the kind of problem")
    title: str = Field(description="Short summary of the kind of problem")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What is wrong in this request, in one line")
    instance: str = Field(description="The path of the request")
    code: str | None = Field(None, description="Stable machine-readable code")
    errors: list[ProblemError] | None = Field(
        None, description="Every finding of a validation, each with its location"
    )


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": REASONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for the error codes an operation's own handler can answer."""
    return {status: _problem_response(status) for status in statuses}


_TEXT_BODIES = ("application/json", "application/yaml", "application/x-www-form-urlencoded")


def _automatic(operation: dict[str, Any]) -> set[int]:
    codes = {400}
    params = operation.get("parameters", [])
    body = operation.get("requestBody")
    if operation.get("security"):
        codes |= {401, 403}
    if any(p.get("in") == "path" for p in params):
        codes.add(404)
    if body is not None and any(t in body.get("content", {}) for t in _TEXT_BODIES):
        codes.add(413)
    if params or body is not None:
        codes.add(422)
    return codes


def document_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the problem schema and every operation's error codes (see module)."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    for path, item in spec.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in _automatic(operation):
                responses.setdefault(str(status), {})
            for key, response in responses.items():
                if key.isdigit() and int(key) >= 400:
                    documented = _problem_response(int(key)) if int(key) in REASONS else {}
                    response["content"] = documented.get("content", response.get("content"))
                    response.setdefault("description", documented.get("description", "Error"))
                    if response["description"] in ("", "Validation Error"):
                        response["description"] = documented.get("description", "Error")
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


__all__ = ["Problem", "document_problems", "problem_responses"]
