"""Types of request fields whose JSON form is stricter than what pydantic reads by default.

Pydantic reads a number as a date or a moment (seconds since 1970) when it validates a
request body; the API documents dates as RFC 3339 strings, so a number there is refused
as invalid instead of silently becoming a day in 1970.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator


def _text_only(value: Any) -> Any:
    if value is not None and not isinstance(value, (str, date)):
        raise ValueError("give an RFC 3339 string (e.g. 2027-01-15 or 2027-01-15T06:00:00Z)")
    return value


IsoDate = Annotated[date, BeforeValidator(_text_only)]
"""A calendar day, written ``YYYY-MM-DD``."""

IsoDateTime = Annotated[datetime, BeforeValidator(_text_only)]
"""A moment, written as an RFC 3339 date-time."""

__all__ = ["IsoDate", "IsoDateTime"]
