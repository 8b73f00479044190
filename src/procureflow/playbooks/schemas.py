"""JSON Schemas of playbook input, output and context (``schema.document``).

Schemas are checked when the playbook loads (a malformed schema is a playbook error)
and applied at run time to the data they describe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from pydantic import BaseModel

from procureflow.playbooks.model_common import SchemaDefinition
from procureflow.playbooks.source import Path


def iter_schemas(value: Any, path: Path = ()) -> Iterator[tuple[Path, SchemaDefinition]]:
    """Every schema definition in a model tree, with its path."""
    if isinstance(value, SchemaDefinition):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if item is not None:
                yield from iter_schemas(item, (*path, field.alias or name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_schemas(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_schemas(item, (*path, index))


def schema_problem(schema: SchemaDefinition) -> str | None:
    """Why an inline JSON Schema is not a valid schema, or None."""
    if schema.document is None or not schema.format.startswith("json"):
        return None
    try:
        jsonschema.Draft202012Validator.check_schema(schema.document)
    except jsonschema.SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    return None


_VALIDATORS: dict[int, tuple[SchemaDefinition, Any]] = {}


def _validator(schema: SchemaDefinition) -> Any:
    # Keyed by identity; the schema is kept with its validator so the id stays its own.
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        if len(_VALIDATORS) > 1024:
            _VALIDATORS.clear()
        cached = (schema, jsonschema.Draft202012Validator(schema.document))
        _VALIDATORS[id(schema)] = cached
    return cached[1]


def schema_violation(schema: SchemaDefinition, value: Any) -> str | None:
    """The first way ``value`` breaks an inline JSON Schema (``at path: message``), or None."""
    if schema.document is None or not schema.format.startswith("json"):
        return None
    validator = _validator(schema)
    error = next(iter(validator.iter_errors(value)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"at {where}: {error.message}"


__all__ = ["iter_schemas", "schema_problem", "schema_violation"]
