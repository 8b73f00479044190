"""Schemathesis against ``/openapi.json``: no input makes the API fail (5xx), every status
it answers is documented, its answers match their schemas, requests that fit the schema
are not refused as invalid, and requests that do not fit it are refused.

Both generation modes run on every operation with a bounded number of examples, so the
whole file stays well under three minutes per database. The suite runs it on SQLite and
again on PostgreSQL (``PROCUREFLOW_TEST_DATABASE_URL``), which refuses text SQLite keeps.

Strings are generated without NUL characters: the API refuses them on purpose (400, see
``test_text_input.py``, which sends NUL and bytes that are not UTF-8 to every operation).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
)
from schemathesis.specs.openapi.checks import status_code_conformance

from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for


@pytest.fixture
def fuzz_target(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app with its services running, and an administrator's token."""
    app = create_app(
        start_engine=False, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    headers = bearer_for(engine, "root", "admin")
    with TestClient(app):
        yield app, headers


MAX_EXAMPLES = 8

# A body that is a document read by its own parser (an uploaded file, a YAML playbook or
# policy, a raw mail): its schema says "a file" or "a string", which random bytes fit, and
# a well-formed request whose document is refused is answered 422, as documented. Such
# operations are not held to positive_data_acceptance; every other check applies.
DOCUMENT_BODIES = frozenset({"multipart/form-data", "application/yaml", "message/rfc822"})

COMMON_CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@schemathesis.serializer("message/rfc822")
def _raw_mail(_ctx: Any, value: Any) -> bytes:
    data = getattr(value, "data", value)  # a generated binary value wraps its bytes
    return data if isinstance(data, bytes) else str(data).encode("utf-8", "replace")


def _takes_document(operation: Any) -> bool:
    body = operation.definition.raw.get("requestBody", {})
    return bool(DOCUMENT_BODIES & set(body.get("content", {})))


def _checks(operation: Any, mode: GenerationMode) -> list[Any]:
    if mode == GenerationMode.NEGATIVE:
        return [*COMMON_CHECKS, negative_data_rejection]
    if _takes_document(operation):
        return COMMON_CHECKS
    return [*COMMON_CHECKS, positive_data_acceptance]


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    checks = _checks(operation, mode)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    call()


def test_no_input_breaks_any_operation(fuzz_target: tuple[Any, dict[str, str]]) -> None:
    app, headers = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # our token is sent with every request: generated credentials would only be replaced
    schema.config.generation.update(allow_x00=False, with_security_parameters=False)
    # the policy engine raises the recursion limit once on first use; do it before the
    # fuzzer watches (it refuses limits changed under it)
    warm = TestClient(app).get("/api/v1/policies/active", headers=headers)
    assert warm.status_code == 200
    failures: list[str] = []
    operations = 0
    for loaded in schema.get_all_operations():
        operation = loaded.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers)
            except Unsatisfiable:
                continue  # nothing to make invalid (no parameters, no body)
            except Exception as exc:  # noqa: BLE001 - report every operation's failure
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"[:2000]
                )
            except BaseExceptionGroup as group:  # schemathesis' group of distinct failures
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {group}"[:2000]
                )
    assert operations >= 60
    assert not failures, "\n\n".join(failures)
