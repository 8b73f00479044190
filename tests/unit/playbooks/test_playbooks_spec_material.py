"""The official examples the schema accepts load into our models; the invalid ones do not."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from procureflow.errors import PlaybookInvalid
from procureflow.playbooks import Workflow, load_playbook


def _spec(sample_data: Path) -> Path:
    return sample_data / "serverless-workflow"


def _schema_validator(spec: Path) -> jsonschema.Draft202012Validator:
    schema = yaml.safe_load((spec / "schema" / "workflow.yaml").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_every_example_the_official_schema_accepts_loads(sample_data: Path) -> None:
    spec = _spec(sample_data)
    validator = _schema_validator(spec)
    accepted = loaded = 0
    for path in sorted((spec / "examples").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not validator.is_valid(yaml.safe_load(text)):
            continue
        accepted += 1
        playbook = load_playbook(text, path.name)
        assert isinstance(playbook.workflow, Workflow)
        assert playbook.name == yaml.safe_load(text)["document"]["name"]
        loaded += 1
    print(f"\nexamples: {loaded} loaded / {accepted} accepted by the official schema")
    assert accepted >= 60
    assert loaded == accepted


def test_every_invalid_fixture_is_refused_with_line_and_field(sample_data: Path) -> None:
    invalid = sorted((_spec(sample_data) / "invalid").glob("*.yaml"))
    assert invalid
    for path in invalid:
        with pytest.raises(PlaybookInvalid) as caught:
            load_playbook(path.read_text(encoding="utf-8"), path.name)
        assert str(caught.value).startswith(f"{path.name}:")
    print(f"\ninvalid: {len(invalid)} refused / {len(invalid)}")


def test_an_example_round_trips_to_the_same_document(sample_data: Path) -> None:
    path = _spec(sample_data) / "examples" / "try-catch-retry-inline.yaml"
    playbook = load_playbook(path.read_text(encoding="utf-8"), path.name)
    dumped = playbook.workflow.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True)
    assert dumped == yaml.safe_load(path.read_text(encoding="utf-8"))
