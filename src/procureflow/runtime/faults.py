"""DSL errors at run time: the error object, the standard error types, catch filters.

A DSL error is a JSON object ``{type, status, title, detail, instance}`` (RFC 9457 style);
``instance`` is the JSON pointer of the task it came from, e.g.
``/do/0/tryGetPet/try/0/getPet``.
"""

from __future__ import annotations

from typing import Any, Literal

from procureflow.errors import WorkflowFault

ERROR_TYPE_BASE = "https://serverlessworkflow.io/spec/1.0.0/errors/"
StandardError = Literal[
    "configuration",
    "validation",
    "expression",
    "authentication",
    "authorization",
    "timeout",
    "communication",
    "runtime",
]
_STANDARD_PREFIXES = (
    "https://serverlessworkflow.io/spec/1.0.0/errors/",
    "https://serverlessworkflow.io/dsl/errors/types/",
    "https://serverlessworkflow.io/spec/errors/",
)


class WorkflowFaulted(WorkflowFault):
    """A playbook instance raised a DSL error it did not catch; ``error`` is the error object."""

    def __init__(self, error: dict[str, Any]) -> None:
        self.error = error
        title = error.get("title") or error.get("type", "error")
        detail = f": {error['detail']}" if error.get("detail") else ""
        where = f" at {error['instance']}" if error.get("instance") else ""
        super().__init__(f"{title}{detail}{where} (status {error.get('status')})")


def make_error(
    kind: StandardError, status: int, title: str, detail: str | None = None, instance: str = ""
) -> dict[str, Any]:
    """A standard DSL error object of ``kind`` (its type URI is the spec's)."""
    error: dict[str, Any] = {"type": ERROR_TYPE_BASE + kind, "status": status, "title": title}
    if detail:
        error["detail"] = detail
    if instance:
        error["instance"] = instance
    return error


def fault(
    kind: StandardError, status: int, title: str, detail: str | None = None, instance: str = ""
) -> WorkflowFaulted:
    """An exception carrying a standard DSL error."""
    return WorkflowFaulted(make_error(kind, status, title, detail, instance))


def _standard_kind(error_type: str) -> str | None:
    for prefix in _STANDARD_PREFIXES:
        if error_type.startswith(prefix):
            return error_type[len(prefix) :]
    return None


def same_error_type(expected: str, actual: str) -> bool:
    """Equal types; the standard types match whichever published base URI names them."""
    if expected == actual:
        return True
    kind = _standard_kind(expected)
    return kind is not None and kind == _standard_kind(actual)


def error_matches(error_filter: dict[str, Any], error: dict[str, Any]) -> bool:
    """True when every attribute given in a catch ``errors.with`` filter matches ``error``."""
    for name, expected in error_filter.items():
        if expected is None:
            continue
        actual = error.get("detail" if name == "details" else name)
        if name == "type":
            if not isinstance(actual, str) or not same_error_type(str(expected), actual):
                return False
        elif name == "status":
            if actual is None or int(actual) != int(expected):
                return False
        elif actual != expected:
            return False
    return True


__all__ = [
    "ERROR_TYPE_BASE",
    "StandardError",
    "WorkflowFaulted",
    "error_matches",
    "fault",
    "make_error",
    "same_error_type",
]
