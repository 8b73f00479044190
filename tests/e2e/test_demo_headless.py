"""The first thing a newcomer runs: ``procureflow demo --headless``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import on_postgres


@pytest.mark.slow
def test_demo_headless_runs_every_scenario_to_the_end(tmp_path: Path) -> None:
    if on_postgres():
        pytest.skip("the demo runs on the embedded SQLite default")
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "procureflow", "demo", "--headless", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    summary = json.loads(done.stdout)  # the one document on stdout: no banner before it
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "ERROR" not in done.stderr, done.stderr[-3000:]
    assert summary["ok"] is True
    assert summary["audit"]["ok"] is True
    assert summary["scenarios"], "no scenario ran"
    assert all(s["ok"] for s in summary["scenarios"]), summary["scenarios"]
    # Run again on the same database: people and master data are not duplicated.
    again = subprocess.run(
        [sys.executable, "-m", "procureflow", "demo", "--headless", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
