"""Worker processes for tests that crash and restart them: start, stop, wait."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def start_worker(env: dict[str, str], executor_id: str, log: Path) -> subprocess.Popen[bytes]:
    """``procureflow worker`` in its own process group (so a kill takes its children)."""
    return subprocess.Popen(
        [sys.executable, "-m", "procureflow", "worker", "--executor-id", executor_id],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop it as a service manager would: SIGTERM, then SIGKILL after 15 s."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def wait_until(predicate: Callable[[], T], timeout: float, what: str) -> T:
    """Poll ``predicate`` until it gives a true value (returned) or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
