"""``procureflow policies validate|show|simulate`` against files and a real database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from procureflow.adapters.db.guard_decisions import list_guard_decisions, record_guard_decision
from procureflow.cli.policies import app
from procureflow.domain.money import Money
from procureflow.policies import evaluate_guardrails, jsonable_facts, load_policy
from tests.policy_samples import policy_text

runner = CliRunner()


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_prints_name_version_and_digest(tmp_path: Path) -> None:
    path = write(tmp_path, policy_text())
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["name"] == "test-policy"
    assert data["digest"] == load_policy(policy_text()).digest
    assert data["guardrails"] == [
        "unapproved-supplier",
        "price-increase",
        "small-and-approved",
        "legal-terms",
    ]
    human = runner.invoke(app, ["validate", str(path)])
    assert human.exit_code == 0
    assert "ok: test-policy 1" in human.stdout


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("guardrails:\n", "guardrails:\n  - [\n", "malformed YAML"),
        ("outcome: deny", "outcome: block", "unknown outcome 'block'"),
        ("action.price_increase_pct > 5.0", "action.price_increase_pct >", "CEL syntax error"),
        (
            "      currency: EUR\n      escalation_role",
            "      escalation_role",
            "currency: required",
        ),
    ],
)
def test_bad_policies_fail_with_one_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = policy_text()
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1), "bad.yaml")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}:")
    assert expected in lines[0]


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code != 0
    assert "nope.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_show_without_a_file_prints_the_default_policy(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "procureflow-default"
    assert data["origin"] == "builtin:default.yaml"
    assert any(rule["category"] == "logistics" for rule in data["approval_matrix"]["rules"])
    human = runner.invoke(app, ["show", str(write(tmp_path, policy_text()))])
    assert human.exit_code == 0
    assert "price-increase" in human.stdout and "Approval matrix" in human.stdout


def record(engine: sa.Engine, instance: str, pct: str) -> None:
    policy = load_policy(policy_text())
    facts: dict[str, Any] = {
        "action": {
            "category": "direct-materials",
            "amount": Money.of("20000", "EUR"),
            "price_increase_pct": Decimal(pct),
            "suppliers": [{"id": "S1", "approved": True}],
        }
    }
    outcome = evaluate_guardrails(policy, facts)
    with engine.begin() as conn:
        record_guard_decision(
            conn,
            instance_id=instance,
            task_key="do/0/guard",
            policy=policy.name,
            policy_digest=policy.digest,
            facts=jsonable_facts(facts),
            outcome=outcome.model_dump(mode="json"),
        )


def test_recording_is_idempotent_per_instance_and_task(engine: sa.Engine) -> None:
    record(engine, "inst-1", "2")
    record(engine, "inst-1", "9")
    rows = list_guard_decisions(engine)
    assert len(rows) == 1
    assert rows[0]["facts"]["action"]["price_increase_pct"] == 2


def test_simulate_lists_the_decisions_a_stricter_policy_would_change(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    for instance, pct in [("inst-1", "2"), ("inst-2", "4"), ("inst-3", "8")]:
        record(engine, instance, pct)
    stricter = write(tmp_path, policy_text(limit="3.0"), "stricter.yaml")
    result = runner.invoke(
        app, ["simulate", str(stricter), "--json", "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["total"], report["changed"], report["unchanged"]) == (3, 1, 2)
    change = report["changes"][0]
    assert change["instance_id"] == "inst-2"
    assert change["before_outcome"] == "allow"
    assert change["after_outcome"] == "require_approval"
    assert change["after_chain"] == ["budget_owner@24h", "cfo@24h"]
    human = runner.invoke(app, ["simulate", str(stricter), "--database-url", database_url])
    assert human.exit_code == 0
    assert "3 decisions replayed, 1 would change" in human.stdout
    assert "inst-2" in human.stdout


def test_simulate_on_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, policy_text())
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = runner.invoke(app, ["simulate", str(path), "--database-url", url])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "procureflow db upgrade" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "must be a YAML mapping"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text"),
    ],
)
def test_empty_or_binary_files_are_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert expected in lines[0] and "odd.yaml" in lines[0]
