"""CloudEvents 1.0 (JSON format): validation of the envelope ProcureFlow accepts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from procureflow.domain.clock import as_utc, utcnow
from procureflow.errors import EventInvalid

REQUIRED = ("specversion", "id", "source", "type")
_EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
MAX_LENGTHS = {"id": 500, "source": 500, "type": 300, "subject": 500}
"""The longest attribute values the event store keeps (its column sizes)."""
_CONTEXT = {
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "dataschema",
}


def validate_event(raw: Any) -> dict[str, Any]:
    """Check a CloudEvents 1.0 JSON event and return it normalised.

    Required: ``specversion`` "1.0", non-empty string ``id``, ``source`` and ``type``.
    ``time`` must be RFC 3339; ``data`` and ``data_base64`` are exclusive; extension
    attribute names are lower-case alphanumerics of at most 20 characters.
    """
    if not isinstance(raw, Mapping):
        raise EventInvalid("a CloudEvent must be a JSON object")
    missing = [name for name in REQUIRED if raw.get(name) in (None, "")]
    if missing:
        raise EventInvalid(f"missing required CloudEvents attribute(s): {', '.join(missing)}")
    if raw["specversion"] != "1.0":
        raise EventInvalid(f"specversion must be '1.0', got {raw['specversion']!r}")
    for name in ("id", "source", "type"):
        if not isinstance(raw[name], str):
            raise EventInvalid(f"attribute {name!r} must be a string")
    for name in ("subject", "datacontenttype", "dataschema", "data_base64"):
        if name in raw and not isinstance(raw[name], str):
            raise EventInvalid(f"attribute {name!r} must be a string")
    for name, longest in MAX_LENGTHS.items():
        if isinstance(raw.get(name), str) and len(raw[name]) > longest:
            raise EventInvalid(f"attribute {name!r} is longer than {longest} characters")
    if "data" in raw and "data_base64" in raw:
        raise EventInvalid("an event carries either 'data' or 'data_base64', not both")
    event = dict(raw)
    if event.get("time") is not None:
        event["time"] = parse_time(event["time"]).isoformat()
    for name in event:
        if name in _CONTEXT or name in ("data", "data_base64"):
            continue
        if not _EXTENSION_NAME.match(name):
            raise EventInvalid(
                f"extension attribute {name!r} must be lower-case letters and digits, at most 20"
            )
    event.setdefault("datacontenttype", "application/json")
    return event


JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "CloudEvent",
    "description": "A CloudEvents 1.0 event in structured JSON mode.",
    "required": list(REQUIRED),
    "properties": {
        "specversion": {"type": "string", "enum": ["1.0"]},
        "id": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTHS["id"]},
        "source": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTHS["source"]},
        "type": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTHS["type"]},
        "subject": {"type": "string", "maxLength": MAX_LENGTHS["subject"]},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"type": "string"},
        "dataschema": {"type": "string"},
        "data": {},
        "data_base64": {"type": "string"},
    },
    "patternProperties": {_EXTENSION_NAME.pattern: {}},
    "additionalProperties": False,
    "not": {"required": ["data", "data_base64"]},
}
"""What :func:`validate_event` accepts, as a JSON Schema (for the API's description)."""


def parse_time(value: Any) -> datetime:
    """An RFC 3339 timestamp as an aware UTC datetime."""
    if not isinstance(value, str):
        raise EventInvalid(f"time must be an RFC 3339 string, got {value!r}")
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError as exc:
        raise EventInvalid(f"time is not RFC 3339: {value!r}") from exc


def new_event(
    *, type: str, source: str, data: Any = None, subject: str | None = None, id: str | None = None
) -> dict[str, Any]:
    """A fresh CloudEvent with a random id and the current time."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": id or str(uuid.uuid4()),
        "source": source,
        "type": type,
        "time": utcnow().isoformat(),
        "datacontenttype": "application/json",
    }
    if subject is not None:
        event["subject"] = subject
    if data is not None:
        event["data"] = data
    return event


__all__ = ["JSON_SCHEMA", "REQUIRED", "new_event", "parse_time", "validate_event"]
