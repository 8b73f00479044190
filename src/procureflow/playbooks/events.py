"""Deciding whether an incoming CloudEvent is one a waiting ``listen`` asked for.

A concrete filter is the DSL's event filter with its expressions already evaluated::

    {"with": {"type": "com.example.approved", "source": "https://.*"},
     "correlate": {"order": {"from": ".data.orderId", "expect": "PO-7"}}}

Every attribute in ``with`` must match (equal, or a regular expression that matches the
whole text; objects such as ``data`` match when they contain the given fields; a
``${ … }`` left in the filter is a predicate on the attribute's value), and every
correlation key extracted from the event with ``from`` must equal ``expect``.
"""

from __future__ import annotations

import re
from typing import Any

from procureflow.errors import ExpressionError
from procureflow.playbooks.expressions import evaluate, is_runtime_expression


def event_matches(concrete_filter: dict[str, Any], event: dict[str, Any]) -> bool:
    """True when ``event`` satisfies every attribute and correlation of ``concrete_filter``."""
    attributes = concrete_filter.get("with") or {}
    for name, expected in attributes.items():
        if name not in event or not _value_matches(expected, event[name]):
            return False
    for correlation in (concrete_filter.get("correlate") or {}).values():
        try:
            actual = evaluate(str(correlation["from"]), event)
        except ExpressionError:
            return False
        expected = correlation.get("expect")
        if expected is not None and not _same(expected, actual):
            return False
    return True


def _value_matches(expected: Any, actual: Any) -> bool:
    if is_runtime_expression(expected):
        # A predicate on the attribute, e.g. ``data: ${ .temperature > 38 }``.
        try:
            result = evaluate(expected, actual)
        except ExpressionError:
            return False
        return result is not None and result is not False
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _value_matches(value, actual[key]) for key, value in expected.items()
        )
    if _same(expected, actual):
        return True
    if isinstance(expected, str) and isinstance(actual, str):
        try:
            return re.fullmatch(expected, actual) is not None
        except re.error:
            return False
    return False


def _same(expected: Any, actual: Any) -> bool:
    if expected == actual:
        return True
    scalar = (str, int, float)
    return (
        isinstance(expected, scalar)
        and isinstance(actual, scalar)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
        and str(expected) == str(actual)
    )


__all__ = ["event_matches"]
