"""Canonical JSON and SHA-256 digests: the basis of approval binding and the audit chain."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant white space, UTF-8 kept: the same value, the same text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def digest(value: Any) -> str:
    """SHA-256 hex digest of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def to_jsonable(value: Any) -> Any:
    """The plain JSON value (dicts, lists, str, numbers) that ``canonical_json`` would write
    — built by walking the value rather than writing and reading JSON text, which made it
    a noticeable share of the CPU of every recorded task."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        try:
            items = sorted(value.items())
        except TypeError:  # keys of mixed types: as the JSON text would order them
            return json.loads(canonical_json(value))
        return {_key(key): to_jsonable(item) for key, item in items}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return to_jsonable(_default(value))


_PLAIN = frozenset({str, int, float, bool})


def _key(key: Any) -> str:
    # JSON object keys are text; numbers, booleans and null are written as JSON writes them
    if isinstance(key, str):
        return str(key)
    return json.dumps(key)


__all__ = ["canonical_json", "digest", "to_jsonable"]
