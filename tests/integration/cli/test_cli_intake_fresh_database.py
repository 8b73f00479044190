"""A mail ingested from the command line on a database no engine has run on yet still
starts its playbook: the intake registers the built-in playbooks first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import on_postgres

MAIL = (
    Path(__file__).resolve().parents[3]
    / "src/procureflow/demo/emails/01_delay_en_huaxin_motors.eml"
)


@pytest.mark.slow
def test_a_mail_ingested_before_any_engine_ran_starts_its_playbook(tmp_path: Path) -> None:
    if on_postgres():
        pytest.skip("the command line runs on its own SQLite file here")
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "procureflow", "ingest", "email", str(MAIL), "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    playbook = json.loads(done.stdout)["playbook"]
    assert playbook["playbook"] == "supply-disruption"
    assert len(playbook["started"]) == 1, playbook
