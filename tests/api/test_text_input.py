"""Text the database cannot store (a NUL byte; bytes that are not UTF-8; a lone surrogate
after JSON decoding) is refused with a 400 problem naming where it is, on every operation
with a string parameter or body, before anything reaches the database.

The cases are built from the OpenAPI document, so a new operation is covered as soon as it
is mounted. PostgreSQL refuses NUL in text where SQLite keeps it, so the suite is worth
most when it runs on PostgreSQL too (``PROCUREFLOW_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.db.tables import metadata
from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for
from tests.conftest import POSTGRES_URL, on_postgres

ROLES = ("admin", "compliance", "accounts_payable", "supplier_integration")
PLACEHOLDER = "x1"


@dataclass(frozen=True)
class BadInput:
    """One request carrying bad text in one place, and the name the answer must give."""

    method: str
    path: str
    names: str
    query: dict[str, str] = field(default_factory=dict)
    raw_path: str | None = None
    raw_query: str | None = None
    content: bytes | None = None
    content_type: str | None = None


def _spec() -> dict[str, Any]:
    app = create_app(
        start_engine=False,
        settings=Settings(database_url="sqlite://", _env_file=None),  # type: ignore[call-arg]
    )
    return app.openapi()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        found: dict[str, Any] = spec
        for part in ref.removeprefix("#/").split("/"):
            found = found[part]
        return found
    return schema


def _is_string(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "string" and "format" not in option for option in options)


def _string_property(spec: dict[str, Any], schema: dict[str, Any]) -> str | None:
    schema = _resolve(spec, schema)
    if schema.get("type") == "object" and schema.get("additionalProperties") is True:
        return "id"  # a free-form document (a CloudEvent)
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(spec, prop)
        if _is_string(prop):
            return str(name)
        items = prop.get("items")
        if prop.get("type") == "array" and isinstance(items, dict) and _is_string(items):
            return str(name)
    return None


def _cases() -> list[Any]:
    spec = _spec()
    cases: list[Any] = []
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {template}"
            params = operation.get("parameters", [])
            filled = {p["name"]: PLACEHOLDER for p in params if p["in"] == "path"}

            def path_with(
                name: str, value: str, *, t: str = template, f: dict[str, str] = filled
            ) -> str:
                values = {**f, name: value}
                out = t
                for key, val in values.items():
                    out = out.replace("{" + key + "}", val)
                return out

            base = path_with("", "")
            for p in params:
                if not _is_string(p.get("schema", {})):
                    continue
                name = p["name"]
                if p["in"] == "path":
                    for kind, raw in (("nul", "a%00b"), ("not-utf8", "a%FFb")):
                        cases.append(
                            pytest.param(
                                BadInput(
                                    method,
                                    path_with(name, raw),
                                    name,
                                    raw_path=path_with(name, raw),
                                ),
                                id=f"{label} {kind} in path {name}",
                            )
                        )
                elif p["in"] == "query":
                    for kind, raw in (("nul", "a%00b"), ("not-utf8", "a%FFb")):
                        cases.append(
                            pytest.param(
                                BadInput(method, base, name, raw_query=f"{name}={raw}"),
                                id=f"{label} {kind} in query {name}",
                            )
                        )
            content = operation.get("requestBody", {}).get("content", {})
            for media_type, body in content.items():
                schema = body.get("schema", {})
                if media_type == "application/json":
                    prop = _string_property(spec, schema)
                    if prop is None:
                        continue
                    shapes = {
                        "nul": json.dumps({prop: "a\x00b"}).encode(),
                        "lone-surrogate": b'{"' + prop.encode() + b'": "a\\ud800b"}',
                        "not-utf8": b'{"' + prop.encode() + b'": "a\xffb"}',
                    }
                    for kind, raw_body in shapes.items():
                        cases.append(
                            pytest.param(
                                BadInput(
                                    method, base, prop, content=raw_body, content_type=media_type
                                ),
                                id=f"{label} {kind} in json {prop}",
                            )
                        )
                elif media_type == "application/yaml":
                    for kind, raw_body in (
                        ("nul", b"name: a\x00b\n"),
                        ("not-utf8", b"name: a\xffb\n"),
                    ):
                        cases.append(
                            pytest.param(
                                BadInput(
                                    method, base, "body", content=raw_body, content_type=media_type
                                ),
                                id=f"{label} {kind} in yaml body",
                            )
                        )
                elif media_type == "multipart/form-data":
                    # written by hand: an HTTP client escapes a NUL in a file name
                    form = (
                        b"--b0undary\r\n"
                        b'Content-Disposition: form-data; name="file"; filename="a\x00b.csv"\r\n'
                        b"Content-Type: text/csv\r\n\r\nname\nx\n\r\n--b0undary--\r\n"
                    )
                    cases.append(
                        pytest.param(
                            BadInput(
                                method,
                                base,
                                "file",
                                content=form,
                                content_type="multipart/form-data; boundary=b0undary",
                            ),
                            id=f"{label} nul in upload file name",
                        )
                    )
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """One app for the module (its requests change nothing: every one is refused)."""
    tmp = tmp_path_factory.mktemp("text-input")
    url = POSTGRES_URL if on_postgres() else f"sqlite:///{tmp / 'procureflow.db'}"
    eng = create_engine(url)
    upgrade(eng)
    if on_postgres():
        with eng.begin() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    headers = bearer_for(eng, "root", *ROLES)
    app = create_app(
        start_engine=False,
        settings=Settings(database_url=url, data_dir=tmp / "data", _env_file=None),  # type: ignore[call-arg]
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client, headers
    eng.dispose()


def _send(client: TestClient, headers: dict[str, str], case: BadInput) -> Any:
    url = case.path
    if case.raw_query:
        url = f"{url}?{case.raw_query}"
    extra = dict(headers)
    if case.content_type:
        extra["Content-Type"] = case.content_type
    return client.request(case.method, url, headers=extra, content=case.content)


def test_every_operation_with_text_input_is_covered() -> None:
    labels = {" ".join(str(c.id).split(" ")[:2]) for c in CASES}
    assert len(labels) >= 50, sorted(labels)


@pytest.mark.parametrize("case", CASES)
def test_bad_text_is_a_400_naming_where(
    client: tuple[TestClient, dict[str, str]], case: BadInput
) -> None:
    test_client, headers = client
    response = _send(test_client, headers, case)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "invalid-text"
    assert case.names in problem["detail"], problem
