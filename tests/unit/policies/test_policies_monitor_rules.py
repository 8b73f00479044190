"""The monitor rules file: shipped defaults load; a bad file is refused naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from procureflow.errors import PolicyInvalid
from procureflow.policies.monitor_rules import (
    default_monitor_rules,
    load_monitor_rules,
    load_monitor_rules_file,
)


def test_the_shipped_rules_load() -> None:
    rules = default_monitor_rules()
    assert rules.certificates.windows_days == (90, 60, 30)
    assert rules.certificates.severity_for("expired") == "critical"
    assert rules.milestones.due_soon_days == 7


def test_an_operators_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text("certificates:\n  windows_days: [30, 120]\n", encoding="utf-8")
    rules = load_monitor_rules_file(path)
    assert rules.certificates.windows_days == (120, 30)
    assert rules.approvals.escalate is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("certificates: {severity: {'90': urgent}}", "certificates.severity.90"),
        ("milestones: {due_soon_days: -1}", "milestones.due_soon_days"),
        ("certificates: {windows_days: [0]}", "windows_days must be positive"),
        ("approvals: {escalte: true}", "approvals.escalte"),
        ("- a list", "must be a mapping"),
        ("certificates: [", "not valid YAML"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(PolicyInvalid, match=message.replace(".", r"\.")):
        load_monitor_rules(text, origin="mine.yaml")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyInvalid, match="nope.yaml"):
        load_monitor_rules_file(tmp_path / "nope.yaml")
