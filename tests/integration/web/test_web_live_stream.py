"""The live stream on a real server: changes arrive as they are written, a reconnect with
Last-Event-ID gets what it missed, and an open stream does not keep the server from stopping."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from procureflow.adapters.db import all_tables  # noqa: F401
from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.db.user_store import UserStore
from tests.auth_helpers import PROCESS_SECRETS

SERVE = (
    "import sys, uvicorn\n"
    "from procureflow.api.app import create_app\n"
    "uvicorn.run(create_app(start_engine=False), host='127.0.0.1', port=int(sys.argv[1]),"
    " log_level='warning')\n"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = create_engine(url)
    upgrade(engine)
    users = UserStore(engine, SqlAuditLog(engine))
    users.add("olga", roles=["orchestrator"])
    headers = {"Authorization": f"Bearer {users.issue_token('olga')}"}
    engine.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": url,
        "PROCUREFLOW_DATA_DIR": str(tmp_path),
        **PROCESS_SECRETS,
    }
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield process, base, headers
    if process.poll() is None:
        process.kill()
        process.wait()


def _changes(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    event_id = 0
    for line in lines:
        if line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("data: "):
            yield event_id, json.loads(line[6:])


def _event(number: int) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"live-{number}",
        "source": "tests/live",
        "type": "procureflow.test.v1",
        "data": {},
    }


def test_changes_stream_live_and_a_reconnect_catches_up(
    server: tuple[subprocess.Popen[bytes], str, dict[str, str]],
) -> None:
    _process, base, headers = server
    with (
        httpx.Client(base_url=base, headers=headers, timeout=30) as api,
        api.stream("GET", "/live/stream") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")
        assert api.post("/api/v1/events", json=_event(1)).status_code == 202
        first_id, change = next((i, c) for i, c in _changes(lines) if c["kind"] == "event.received")
        assert change["id"] == first_id and change["actor"] == "olga"  # the signed-in sender
    with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
        assert api.post("/api/v1/events", json=_event(2)).status_code == 202
        resumed = {"Last-Event-ID": str(first_id)}
        with api.stream("GET", "/live/stream", headers=resumed) as stream:
            missed = next(
                c for _, c in _changes(stream.iter_lines()) if c["kind"] == "event.received"
            )
            assert missed["id"] > first_id
    assert httpx.get(base + "/live/stream").status_code == 401


def test_an_open_stream_does_not_keep_the_server_from_stopping(
    server: tuple[subprocess.Popen[bytes], str, dict[str, str]],
) -> None:
    process, base, headers = server
    host, port = base.removeprefix("http://").split(":")
    # a plain client that keeps reading, as a browser's EventSource does
    with socket.create_connection((host, int(port)), timeout=30) as client:
        client.sendall(
            f"GET /live/stream HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: {headers['Authorization']}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        assert client.recv(4096).startswith(b"HTTP/1.1 200 OK")
        process.send_signal(signal.SIGTERM)
        # the server stops (it re-raises the signal once its shutdown is complete)
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
