"""Durations as the DSL writes them: ISO 8601 (``PT5M``), inline objects, or expressions."""

from __future__ import annotations

import re
from typing import Any

from pydantic_core import PydanticCustomError

from procureflow.playbooks.expressions import is_runtime_expression

_ISO_8601 = re.compile(
    r"^P(?!$)(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_SECONDS_PER = {
    "years": 365 * 86400.0,
    "months": 30 * 86400.0,
    "weeks": 7 * 86400.0,
    "days": 86400.0,
    "hours": 3600.0,
    "minutes": 60.0,
    "seconds": 1.0,
    "milliseconds": 0.001,
}
_INLINE_UNITS = ("days", "hours", "minutes", "seconds", "milliseconds")


def check_duration(value: Any) -> Any:
    """Accept a valid duration unchanged; refuse anything else with a message saying why."""
    if isinstance(value, str):
        if is_runtime_expression(value) or _ISO_8601.match(value):
            return value
        raise PydanticCustomError(
            "duration",
            "bad duration '{value}': expected ISO 8601 such as PT30S or P2D, "
            "an object such as {minutes: 5}, or a runtime expression",
            {"value": value},
        )
    if isinstance(value, dict):
        unknown = sorted(str(key) for key in value if key not in _INLINE_UNITS)
        if unknown or not value:
            raise PydanticCustomError(
                "duration",
                "bad duration: units must be among days, hours, minutes, seconds, "
                "milliseconds (found {found})",
                {"found": ", ".join(unknown) or "none"},
            )
        for unit, amount in value.items():
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise PydanticCustomError(
                    "duration",
                    "bad duration: '{unit}' must be a whole number, not {amount}",
                    {"unit": unit, "amount": repr(amount)},
                )
        return value
    raise PydanticCustomError(
        "duration",
        "bad duration: expected a string or an object, not {kind}",
        {"kind": type(value).__name__},
    )


def duration_seconds(value: dict[str, int] | str) -> float:
    """The length of a (non-expression) duration in seconds."""
    if isinstance(value, dict):
        return sum(_SECONDS_PER[unit] * amount for unit, amount in value.items())
    match = _ISO_8601.match(value)
    if match is None:
        raise ValueError(f"bad duration '{value}'")
    return sum(
        _SECONDS_PER[unit] * float(amount)
        for unit, amount in match.groupdict().items()
        if amount is not None
    )


__all__ = ["check_duration", "duration_seconds"]
