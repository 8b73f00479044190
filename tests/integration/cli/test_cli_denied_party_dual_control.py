"""The denied-party list on the command line: proposed by one compliance officer, in force
only when a different one confirms."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "procureflow", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_proposes_and_only_a_second_officer_confirms(tmp_path: Path) -> None:
    for name, role in (("cleo", "compliance"), ("carl", "compliance"), ("bo", "buyer")):
        assert _cli(tmp_path, "users", "add", name, "--role", role).returncode == 0
    listed = tmp_path / "list.csv"
    listed.write_text("name,country\nAcme Evil Trading,XX\n", encoding="utf-8")

    refused = _cli(tmp_path, "screening", "propose", str(listed), "--as", "bo")
    assert refused.returncode != 0 and "compliance" in refused.stderr

    done = _cli(tmp_path, "contracts", "screening-import", str(listed), "--as", "cleo", "--json")
    assert done.returncode == 0, done.stderr
    proposal = json.loads(done.stdout)
    assert proposal["status"] == "open" and proposal["proposed_by"] == "cleo"

    own = _cli(tmp_path, "screening", "confirm", proposal["proposal_id"], "--as", "cleo")
    assert own.returncode != 0
    assert "segregation of duties" in own.stderr and own.stderr.count("\n") == 1

    confirmed = _cli(
        tmp_path, "screening", "confirm", proposal["proposal_id"], "--as", "carl", "--json"
    )
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["status"] == "confirmed"
    shown = _cli(tmp_path, "screening", "proposals", "--status", "confirmed", "--json")
    assert [p["decided_by"] for p in json.loads(shown.stdout)] == ["carl"]
