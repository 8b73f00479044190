"""Schemathesis against ``/openapi.json``: no input makes the API fail (5xx) or answer
outside its documented schema. Bounded examples per operation keep it under two minutes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

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


@schemathesis.serializer("message/rfc822")
def _raw_mail(_ctx: Any, value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")


def test_no_input_breaks_any_operation(fuzz_target: tuple[Any, dict[str, str]]) -> None:
    app, headers = fuzz_target
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # the policy engine raises the recursion limit once on first use; do it before the
    # fuzzer watches (it refuses limits changed under it)
    warm = TestClient(app).get("/api/v1/policies/active", headers=headers)
    assert warm.status_code == 200
    failures: list[str] = []
    operations = 0
    for loaded in schema.get_all_operations():
        operation = loaded.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            case.call_and_validate(
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance],
                excluded_checks=[negative_data_rejection],
            )

        try:
            call()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
