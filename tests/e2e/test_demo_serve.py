"""``procureflow demo`` serves the dashboard and prints how to sign in — with a token
that really opens the API."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import on_postgres


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_demo_prints_a_token_that_signs_in(tmp_path: Path) -> None:
    if on_postgres():
        pytest.skip("the demo runs on the embedded SQLite default")
    port = _free_port()
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
        "COLUMNS": "200",
    }
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "procureflow", "demo", "--port", str(port)],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        token = None
        while time.monotonic() < deadline and server.poll() is None:
            found = re.search(r"pf_[A-Za-z0-9_-]{20,}", log.read_text(errors="replace"))
            if found:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                        token = found.group(0)
                        break
                except httpx.HTTPError:
                    pass
            time.sleep(0.5)
        assert token, log.read_text(errors="replace")[-3000:]
        text = log.read_text(errors="replace")
        assert f"http://127.0.0.1:{port}/login" in text and "olivia" in text
        signed_in = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/instances",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert signed_in.status_code == 200
        refused = httpx.get(f"http://127.0.0.1:{port}/api/v1/instances", timeout=10)
        assert refused.status_code == 401
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
