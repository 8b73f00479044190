"""``playbooks validate`` and ``register`` refuse endpoints the egress policy refuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PLAYBOOK = """document:
  dsl: '1.0.0'
  namespace: test
  name: metadata-reader
  version: '1.0.0'
do:
  - readCredentials:
      call: http
      with:
        method: get
        endpoint: ENDPOINT
"""


def _cli(tmp_path: Path, *args: str, allow: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
        "PROCUREFLOW_EGRESS_ALLOW": allow,
    }
    return subprocess.run(
        [sys.executable, "-m", "procureflow", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _file(tmp_path: Path, endpoint: str) -> Path:
    path = tmp_path / "reader.yaml"
    path.write_text(PLAYBOOK.replace("ENDPOINT", endpoint), encoding="utf-8")
    return path


def test_validate_and_register_refuse_the_metadata_address(tmp_path: Path) -> None:
    path = _file(tmp_path, "http://169.254.169.254/latest/meta-data")
    for command in ("validate", "register"):
        done = _cli(tmp_path, "playbooks", command, str(path))
        assert done.returncode == 1, done.stdout
        (line,) = done.stderr.strip().splitlines()
        assert line.startswith("error: reader.yaml:11: do[0].readCredentials.with.endpoint:")
        assert "task 'readCredentials'" in line and "169.254.169.254" in line
    listed = _cli(tmp_path, "playbooks", "list", "--json")
    assert "metadata-reader" not in listed.stdout, "nothing registered"


def test_an_address_the_operator_lists_validates(tmp_path: Path) -> None:
    path = _file(tmp_path, "http://10.20.0.7:8080/stock")
    assert _cli(tmp_path, "playbooks", "validate", str(path)).returncode == 1
    done = _cli(tmp_path, "playbooks", "validate", str(path), "--json", allow="10.20.0.0/16")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["valid"] is True
