"""Bad input on the command line: one clear line on stderr, a non-zero exit, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auth_helpers import PROCESS_SECRETS

HEADER = "document:\n  dsl: '1.0.0'\n  namespace: test\n  name: cli-check\n  version: '1.0.0'\n"


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
        **PROCESS_SECRETS,
    }
    return subprocess.run(
        [sys.executable, "-m", "procureflow", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("do:\n  - a:\n      set: {x: 1\n", "malformed YAML"),
        ("do:\n  - a:\n      sett:\n        x: 1\n", "do[0].a"),
        ("do:\n  - a:\n      set:\n        x: ${ .a | }\n", "do[0].a.set.x"),
        ("do:\n  - a:\n      call: no.such.function\n", "no.such.function"),
    ],
    ids=["malformed-yaml", "unknown-task-type", "jq-syntax-error", "unknown-function"],
)
def test_playbook_validate_names_line_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    done = _cli(tmp_path, "playbooks", "validate", str(path))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: bad.yaml:")
    assert expected in lines[0]


def test_a_valid_playbook_validates(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(HEADER + "do:\n  - a:\n      set:\n        x: 1\n", encoding="utf-8")
    done = _cli(tmp_path, "playbooks", "validate", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert '"valid": true' in done.stdout


def test_event_data_that_is_not_json_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    done = _cli(
        tmp_path, "events", "send", "--type", "t", "--source", "s", "--id", "1", "--data", "{oops"
    )
    assert done.returncode == 1
    assert done.stderr.strip().startswith("error: --data is not JSON")
    listed = _cli(tmp_path, "events", "list", "--json")
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"


def test_an_unknown_instance_and_a_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    shown = _cli(tmp_path, "instances", "show", "in-nothing")
    assert shown.returncode == 1 and "no instance in-nothing" in shown.stderr
    missing = _cli(tmp_path, "playbooks", "run", str(tmp_path / "absent.yaml"))
    assert missing.returncode == 1 and "no such playbook file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_audit_verify_names_a_tampered_entry_and_exits_non_zero(tmp_path: Path) -> None:
    from procureflow.adapters.db.audit_store import SqlAuditLog
    from procureflow.adapters.db.engine import create_engine
    from procureflow.adapters.db.migrate import upgrade

    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    upgrade(engine)
    log = SqlAuditLog(engine)
    for i in range(3):
        log.record(stream="instance:x", kind="task.completed", actor="runtime", payload={"i": i})
    assert _cli(tmp_path, "audit", "verify", "--json").returncode == 0
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE pf_audit_entries SET payload = '{\"i\": 7}' WHERE seq = 2")
    engine.dispose()
    done = _cli(tmp_path, "audit", "verify", "--json")
    assert done.returncode == 1
    import json

    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["first_problem"]["seq"] == 2
