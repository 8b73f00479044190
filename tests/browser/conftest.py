"""A real server (uvicorn subprocess, durable engine, SQLite in tmp) and Debian's chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from procureflow.adapters.db import all_tables  # noqa: F401
from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.db.user_store import UserStore
from tests.auth_helpers import PROCESS_SECRETS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class LiveServer:
    """Where the server listens and the tokens of its users."""

    url: str
    tokens: dict[str, str]
    database_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    tmp: Path, users: dict[str, list[str]]
) -> tuple[subprocess.Popen[bytes], LiveServer]:
    """Migrate a fresh SQLite database, add ``users`` and start uvicorn with the engine."""
    url = f"sqlite:///{tmp / 'procureflow.db'}"
    engine = create_engine(url)
    upgrade(engine)
    store = UserStore(engine, SqlAuditLog(engine))
    tokens = {}
    for user, roles in users.items():
        store.add(user, roles=roles)
        tokens[user] = store.issue_token(user)
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": url,
        "PROCUREFLOW_DATA_DIR": str(tmp / "data"),
        "PROCUREFLOW_EXECUTOR_ID": f"browser-{port}",
        "PROCUREFLOW_PORT": str(port),
        **PROCESS_SECRETS,
    }
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "procureflow.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((tmp / "server.log").read_text())
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not start: " + (tmp / "server.log").read_text())
    return process, LiveServer(base, tokens, url)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and wait for it."""
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a free loopback port, with an orchestrator, a buyer and a CFO."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed (/usr/bin/chromium): apt-get install chromium"
        )
    process, server = start_server(
        tmp_path_factory.mktemp("browser"),
        {"olga": ["orchestrator"], "ben": ["buyer"], "carla": ["cfo"]},
    )
    yield server
    stop_server(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed (/usr/bin/chromium): apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (kept by CI, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
