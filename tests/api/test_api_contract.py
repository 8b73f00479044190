"""The OpenAPI document says what the API does: every error code an operation answers, with
the problem schema, and request schemas as strict as the handlers (found by fuzzing: valid
requests that were refused, invalid ones that were accepted)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.domain.master import KINDS
from procureflow.runtime.monitors import MONITORS
from tests.auth_helpers import bearer_for


@pytest.fixture
def client(engine: sa.Engine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, secret_key="test-secret")
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


@pytest.fixture
def headers(engine: sa.Engine) -> dict[str, str]:
    return bearer_for(engine, "root", "admin", "accounts_payable")


@pytest.fixture
def spec() -> dict[str, Any]:
    app = create_app(
        start_engine=False,
        settings=Settings(database_url="sqlite://", _env_file=None),  # type: ignore[call-arg]
    )
    return app.openapi()


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_error_an_operation_documents_is_a_problem_document(spec: dict[str, Any]) -> None:
    assert "Problem" in spec["components"]["schemas"]
    for label, operation in _operations(spec):
        responses = operation["responses"]
        assert "400" in responses, label  # the input guard can refuse any request
        for code, response in responses.items():
            if int(code) >= 400:
                content = response["content"]
                assert list(content) == ["application/problem+json"], (label, code)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_signed_in_operations_document_401_and_403(spec: dict[str, Any]) -> None:
    for label, operation in _operations(spec):
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"]), label


def test_supplier_links_document_refusal_and_expiry(spec: dict[str, Any]) -> None:
    for answer in ("confirm", "decline"):
        responses = spec["paths"][f"/api/v1/rfq/{{token}}/{answer}"]["get"]["responses"]
        assert {"403", "410"} <= set(responses)
        assert "401" not in responses  # no login: the link is the authority


def test_payment_export_with_nothing_to_pay_is_a_409(
    client: TestClient, headers: dict[str, str], spec: dict[str, Any]
) -> None:
    body = {"debtor_name": "ACME", "debtor_iban": "DE89370400440532013000"}
    response = client.post("/api/v1/payments/export", headers=headers, json=body)
    assert response.status_code == 409, response.text
    assert "409" in spec["paths"]["/api/v1/payments/export"]["post"]["responses"]


@pytest.mark.parametrize(
    "path", ["/api/v1/invoices?status=a&status=b", "/api/v1/events?type=a&type=b"]
)
def test_a_query_parameter_given_twice_is_a_422(
    client: TestClient, headers: dict[str, str], path: str
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 422, response.text
    assert "more than once" in response.json()["detail"]


def test_merging_unknown_documents_is_a_404_whatever_the_titles(
    client: TestClient, headers: dict[str, str]
) -> None:
    body = {"documents": ["0" * 64], "titles": ["a", "b"]}
    response = client.post("/api/v1/documents/merge", headers=headers, json=body)
    assert response.status_code == 404, response.text


def test_an_event_attribute_that_is_not_a_string_is_a_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    event = {"specversion": "1.0", "id": "e-1", "source": "erp", "type": "erp.x", "subject": 7}
    response = client.post("/api/v1/events", headers=headers, json=event)
    assert response.status_code == 400, response.text
    assert "subject" in response.json()["detail"]


def test_request_schemas_say_what_the_handlers_accept(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    event = paths["/api/v1/events"]["post"]["requestBody"]["content"]["application/json"]
    assert set(event["schema"]["required"]) == {"specversion", "id", "source", "type"}
    kind = next(p for p in paths["/api/v1/master-data/{kind}"]["get"]["parameters"])
    assert kind["schema"]["enum"] == list(KINDS)
    profile = paths["/api/v1/documents/profiles/{name}"]["put"]["parameters"][0]
    assert profile["schema"]["pattern"].startswith("^[a-z0-9]")
    schemas = spec["components"]["schemas"]
    assert schemas["MonitorPass"]["properties"]["monitors"]["items"]["enum"] == list(MONITORS)
    quantity = schemas["ReceiptCreate"]["properties"]["lines"]["additionalProperties"]
    assert any("pattern" in option for option in quantity["anyOf"])


@pytest.mark.parametrize(
    "as_of", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:00:00-05:00"]
)
def test_a_monitor_pass_at_the_ends_of_the_calendar_is_a_422(
    client: TestClient, headers: dict[str, str], as_of: str
) -> None:
    response = client.post(
        "/api/v1/exceptions/monitors/run", headers=headers, json={"as_of": as_of}
    )
    assert response.status_code == 422, response.text
    assert "as_of" in response.json()["detail"]


LONG = "x" * 1200


@pytest.mark.parametrize("attribute", ["id", "source", "type", "subject"])
def test_an_event_attribute_longer_than_the_store_keeps_is_a_400_on_postgres(
    client: TestClient, headers: dict[str, str], attribute: str
) -> None:
    event = {"specversion": "1.0", "id": "e-9", "source": "erp", "type": "erp.x", attribute: LONG}
    response = client.post("/api/v1/events", headers=headers, json=event)
    assert response.status_code == 400, response.text
    assert attribute in response.json()["detail"]


@pytest.mark.parametrize(("field", "value"), [("category", LONG), ("order", 590337130309)])
def test_a_signature_profile_the_store_cannot_keep_is_a_422_on_postgres(
    client: TestClient, headers: dict[str, str], field: str, value: Any
) -> None:
    profile = {
        "name": "p1",
        "category": "contract",
        "key_alias": "k",
        "signer_name": "s",
        "signer_title": "t",
        "organisation": "o",
        field: value,
    }
    response = client.put("/api/v1/documents/profiles/p1", headers=headers, json=profile)
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


def test_a_denied_party_list_name_longer_than_kept_is_a_422_on_postgres(
    client: TestClient, engine: sa.Engine
) -> None:
    compliance = bearer_for(engine, "carol", "compliance")
    files = {"file": ("l.csv", b"name\nAcme\n", "text/csv")}
    response = client.post(f"/api/v1/contracts/screening/{LONG}", headers=compliance, files=files)
    assert response.status_code == 422, response.text


def test_an_upload_file_name_longer_than_255_is_a_422(
    client: TestClient, headers: dict[str, str]
) -> None:
    files = {"file": (LONG + ".pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    response = client.post("/api/v1/documents", headers=headers, files=files)
    assert response.status_code == 422, response.text
    assert "file name" in response.json()["detail"]


def test_a_value_the_database_refuses_is_a_422_not_a_500(tmp_path: Path) -> None:
    app = create_app(
        start_engine=False,
        settings=Settings(database_url="sqlite://", data_dir=tmp_path, _env_file=None),  # type: ignore[call-arg]
    )

    @app.get("/api/v1/refused-by-the-database")
    def refused() -> None:
        raise sa.exc.DataError("INSERT", {}, ValueError("value too long for type varchar(5)"))

    response = TestClient(app).get("/api/v1/refused-by-the-database")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/exceptions/monitors/run", {"as_of": 0.0}),
        (
            "/api/v1/receipts",
            {"receipt_id": "r", "po_number": "p", "lines": {"1": 1}, "received_on": 0},
        ),
    ],
)
def test_a_number_where_a_date_is_documented_is_a_422(
    client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    response = client.post(path, headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert "RFC 3339" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "status"),
    [(b"name\nAc\rme\n", 202), (b'name\n"' + b"x" * 200_000 + b'"\n', 422)],
)
def test_a_denied_party_list_the_csv_reader_trips_on_is_not_a_500(
    client: TestClient, engine: sa.Engine, content: bytes, status: int
) -> None:
    compliance = bearer_for(engine, "carol", "compliance")
    files = {"file": ("l.csv", content, "text/csv")}
    response = client.post("/api/v1/contracts/screening/eu", headers=compliance, files=files)
    assert response.status_code == status, response.text


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f"], "abcdefg", strict=True)
)
YAML_BOMBS = {
    "alias into itself": "document: &a [*a]\n",
    "nested too deeply": "[" * 5000 + "]" * 5000,
    "a billion laughs": BOMB,
}


@pytest.mark.parametrize("yaml_text", YAML_BOMBS.values(), ids=list(YAML_BOMBS))
@pytest.mark.parametrize(
    "path", ["/api/v1/playbooks/validate", "/api/v1/playbooks", "/api/v1/policies/validate"]
)
def test_a_yaml_document_that_cannot_end_is_a_422(
    client: TestClient, headers: dict[str, str], path: str, yaml_text: str
) -> None:
    response = client.post(
        path, headers={**headers, "Content-Type": "application/yaml"}, content=yaml_text
    )
    assert response.status_code == 422, response.text[:300]


@pytest.mark.parametrize("key", ["#note", "function-x"])
def test_a_playbook_key_that_looks_like_a_union_tag_is_named_in_a_422(
    client: TestClient, headers: dict[str, str], key: str
) -> None:
    source = f"document: {{}}\ndo: []\n'{key}': 1\n"
    response = client.post(
        "/api/v1/playbooks/validate",
        headers={**headers, "Content-Type": "application/yaml"},
        content=source.encode(),
    )
    assert response.status_code == 422, response.text[:300]
    assert f"property '{key}' is not allowed" in response.json()["detail"]


@pytest.mark.parametrize(
    "change",
    [{"placement": {"height": False}}, {"placement": {"page": 1, "zoom": 2}}, {"order": True}],
)
def test_a_signature_profile_with_a_coerced_or_unknown_value_is_a_422(
    client: TestClient, headers: dict[str, str], change: dict[str, Any]
) -> None:
    profile = {
        "name": "p2",
        "category": "contract",
        "key_alias": "k",
        "signer_name": "s",
        "signer_title": "t",
        "organisation": "o",
        **change,
    }
    response = client.put("/api/v1/documents/profiles/p2", headers=headers, json=profile)
    assert response.status_code == 422, response.text


def test_a_signature_profile_order_written_as_a_whole_float_is_accepted(
    client: TestClient, headers: dict[str, str]
) -> None:
    profile = {
        "name": "p3",
        "category": "contract",
        "key_alias": "k",
        "signer_name": "s",
        "signer_title": "t",
        "organisation": "o",
        "order": 708.0,
        "placement": {"page": 2.0},
    }
    response = client.put("/api/v1/documents/profiles/p3", headers=headers, json=profile)
    assert response.status_code == 200, response.text
    assert response.json()["order"] == 708 and response.json()["placement"]["page"] == 2
