"""jq runtime expressions, as the Serverless Workflow DSL requires.

A runtime expression is a string ``${ <jq> }``; some fields (``if``, ``for.in``,
``switch.when``, ``input.from``, ``output.as`` …) are always expressions and may be
written bare. Compiling jq costs about a millisecond and evaluating a few microseconds,
so programs are compiled once per (expression, variable names) and the variables are
bound from the input instead of by recompiling::

    . as $__root | $__root.vars as {$context, $input, …} | $__root.data | (EXPR)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import jq

from procureflow.errors import ExpressionError

_RUNTIME_EXPRESSION = re.compile(r"^\s*\$\{(.*)\}\s*$", re.DOTALL)
_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_BUILTIN_VARIABLES = frozenset({"ENV", "__loc__", "__prog_args", "__root"})
_POSITION = re.compile(r" at <top-level>, line \d+, column \d+:?|, line \d+:?$")
_URI_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")

STANDARD_VARIABLES = (
    "context",
    "input",
    "output",
    "secrets",
    "task",
    "workflow",
    "runtime",
    "authorization",
)


def is_runtime_expression(value: Any) -> bool:
    """True when ``value`` is a string written as ``${ … }``."""
    return isinstance(value, str) and _RUNTIME_EXPRESSION.match(value) is not None


def expression_body(text: str) -> str:
    """The jq text of ``text``: the inside of ``${ … }``, or ``text`` itself when bare."""
    match = _RUNTIME_EXPRESSION.match(text)
    return (match.group(1) if match else text).strip()


# Playbook expressions see workflow data only: the process environment and jq's input
# stream are shadowed (and ``import``/``include`` cannot follow the prefix at all).
_SANDBOX = (
    'def env: {}; def input: error("input is not available"); def inputs: empty; '
    "def input_filename: null; {} as $ENV | "
)


@lru_cache(maxsize=4096)
def _compile(body: str, names: tuple[str, ...]) -> Any:
    bindings = ", ".join(f"${name}" for name in names)
    prefix = _SANDBOX + ". as $__root | "
    if bindings:
        prefix += f"$__root.vars as {{{bindings}}} | "
    program = f"{prefix}$__root.data | {body}"
    try:
        return jq.compile(program)
    except ValueError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "does not compile"
        # Positions refer to the wrapped program, not to what the author wrote.
        message = _POSITION.sub("", first_line).removeprefix("jq: error: ").rstrip(":")
        raise ExpressionError(f"jq expression '{body}' does not compile: {message}") from None


def check_expression(text: str, extra_variables: Iterable[str] = ()) -> None:
    """Compile ``text`` (bare or ``${ … }``) once to refuse a jq syntax error early.

    Every ``$name`` the expression mentions is bound, so only syntax is checked here;
    an unknown variable is reported when the expression runs.
    """
    body = expression_body(text)
    if not body:
        raise ExpressionError(f"empty jq expression '{text}'")
    mentioned = {name for name in _VARIABLE.findall(body) if name not in _BUILTIN_VARIABLES}
    _compile(body, tuple(sorted(mentioned | set(extra_variables))))


@lru_cache(maxsize=4096)
def _mentioned(body: str) -> frozenset[str]:
    return frozenset(_VARIABLE.findall(body)) - _BUILTIN_VARIABLES


# A plain path (``.``, ``.a.b``, ``$name``, ``$name.a``) — most expressions in playbooks —
# is looked up directly: jq would write the whole input as JSON text and parse its
# answer back. Only objects and null are walked; anything else goes to jq for its error.
_PLAIN_PATH = re.compile(
    r"^\s*(?:\$(?P<var>[A-Za-z_][A-Za-z0-9_]*))?(?P<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\.)\s*$"
)
_NOT_PLAIN = object()


@lru_cache(maxsize=4096)
def _plain_path(body: str) -> tuple[str | None, tuple[str, ...]] | None:
    found = _PLAIN_PATH.match(body)
    if found is None or (found["var"] is None and not found["path"]):
        return None
    if found["var"] in _BUILTIN_VARIABLES:
        return None
    names = tuple(name for name in found["path"].split(".") if name)
    return found["var"], names


def _walk(path: tuple[str | None, tuple[str, ...]], data: Any, variables: Any) -> Any:
    name, keys = path
    if name is None:
        current = data
    elif variables and name in variables:
        current = variables[name]
    else:
        return _NOT_PLAIN
    for key in keys:
        if current is None:
            return None
        if not isinstance(current, dict):
            return _NOT_PLAIN
        current = current.get(key)
    return current


def _fresh(value: Any) -> Any:
    # jq answers with new values; so does the direct lookup, so no caller shares (and
    # could change) a part of the instance's data
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    return value


def evaluate(text: str, data: Any, variables: Mapping[str, Any] | None = None) -> Any:
    """Evaluate one jq expression on ``data``; the first result (None when it yields none).

    Only the variables the expression mentions are bound, so large ones (``$workflow``)
    cost nothing unless used; a variable that is mentioned but not given is an error.
    """
    body = expression_body(text)
    path = _plain_path(body)
    if path is not None:
        found = _walk(path, data, variables)
        if found is not _NOT_PLAIN:
            return _fresh(found)
    values = {}
    if variables:
        values = {name: variables[name] for name in _mentioned(body) if name in variables}
    program = _compile(body, tuple(sorted(values)))
    try:
        results = program.input_value({"data": data, "vars": values}).all()
    except ValueError as exc:
        raise ExpressionError(f"jq expression '{body}' failed: {exc}") from None
    return results[0] if results else None


def evaluate_condition(text: str, data: Any, variables: Mapping[str, Any] | None = None) -> bool:
    """Evaluate a condition (``if``, ``when``, ``while``): jq truthiness (false/null are false)."""
    result = evaluate(text, data, variables)
    return result is not None and result is not False


def evaluate_nested(value: Any, data: Any, variables: Mapping[str, Any] | None = None) -> Any:
    """Evaluate every ``${ … }`` string nested anywhere in objects and arrays."""
    if isinstance(value, str):
        return evaluate(value, data, variables) if is_runtime_expression(value) else value
    if isinstance(value, dict):
        return {key: evaluate_nested(item, data, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate_nested(item, data, variables) for item in value]
    return value


def evaluate_value(
    value: Any, data: Any, variables: Mapping[str, Any] | None = None, *, bare: bool = False
) -> Any:
    """Evaluate a field that is an expression: a bare jq string when ``bare``, else nested."""
    if bare and isinstance(value, str):
        return evaluate(value, data, variables)
    return evaluate_nested(value, data, variables)


def interpolate_uri(template: str, data: Any) -> str:
    """Fill ``{name}`` placeholders of a URI template from the top level of ``data``."""

    def substitute(match: re.Match[str]) -> str:
        current: Any = data
        for part in match.group(1).split("."):
            if not isinstance(current, dict) or part not in current:
                raise ExpressionError(
                    f"URI template '{template}': no value for '{{{match.group(1)}}}'"
                )
            current = current[part]
        return str(current).lower() if isinstance(current, bool) else str(current)

    return _URI_PARAMETER.sub(substitute, template)


__all__ = [
    "STANDARD_VARIABLES",
    "check_expression",
    "evaluate",
    "evaluate_condition",
    "evaluate_nested",
    "evaluate_value",
    "expression_body",
    "interpolate_uri",
    "is_runtime_expression",
]
