"""Validation refuses literal endpoints the egress policy would refuse at call time."""

from __future__ import annotations

import pytest

from procureflow.domain.egress import EgressPolicy
from procureflow.errors import PlaybookInvalid
from procureflow.playbooks import load_playbook, validate

HEADER = "document:\n  dsl: '1.0.0'\n  namespace: test\n  name: egress\n  version: '1.0.0'\n"


def _http(endpoint: str, name: str = "steal") -> str:
    return (
        HEADER
        + f"do:\n  - {name}:\n      call: http\n      with:\n        method: get\n"
        + f"        endpoint: {endpoint}\n"
    )


METADATA = "http://169.254.169.254/latest/meta-data"


def test_the_metadata_address_is_refused_naming_task_and_address() -> None:
    playbook = load_playbook(_http(METADATA), "steal.yaml")
    with pytest.raises(PlaybookInvalid) as caught:
        validate(playbook, egress=EgressPolicy())
    message = str(caught.value)
    assert message.startswith("steal.yaml:11: do[0].steal.with.endpoint:")
    assert "task 'steal'" in message and "169.254.169.254 is a cloud metadata address" in message


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        ("http://[fd00:ec2::254]/latest/meta-data", "cloud metadata address"),
        ("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata name"),
        ("http://2130706433/admin", "loopback address"),
        ("http://10.0.0.5:5432/", "private address"),
        ("file:///etc/passwd", "scheme 'file'"),
    ],
)
def test_other_denied_literals_are_refused(endpoint: str, reason: str) -> None:
    with pytest.raises(PlaybookInvalid, match=reason):
        validate(load_playbook(_http(endpoint)), egress=EgressPolicy())


def test_endpoint_objects_and_openapi_documents_are_checked() -> None:
    text = (
        HEADER
        + "do:\n"
        + "  - a:\n      call: http\n      with:\n        method: get\n"
        + "        endpoint:\n          uri: http://127.0.0.1:9000/x\n"
        + "  - b:\n      call: openapi\n      with:\n        operationId: op\n"
        + "        document:\n          endpoint: http://169.254.169.254/openapi.json\n"
    )
    with pytest.raises(PlaybookInvalid) as caught:
        validate(load_playbook(text, "two.yaml"), egress=EgressPolicy())
    problems = caught.value.problems  # type: ignore[attr-defined]
    assert len(problems) == 2
    assert "do[0].a.with.endpoint.uri" in problems[0] and "task 'a'" in problems[0]
    assert "do[1].b.with.document.endpoint" in problems[1] and "task 'b'" in problems[1]


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://supplier.example/stock",
        "http://{host}/x",
        "${ .url }",
        "http://localhost:8080/",  # judged after resolution, at call time
    ],
)
def test_public_names_templates_and_expressions_pass(endpoint: str) -> None:
    validate(load_playbook(_http(endpoint)), egress=EgressPolicy())


def test_an_allowed_address_passes_and_no_policy_checks_nothing() -> None:
    playbook = load_playbook(_http("http://127.0.0.1:9000/x"))
    validate(playbook, egress=EgressPolicy.from_entries(["127.0.0.1:9000"]))
    validate(playbook)
    with pytest.raises(PlaybookInvalid):
        validate(playbook, egress=EgressPolicy.from_entries(["127.0.0.1:9001"]))
