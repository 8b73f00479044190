"""Dashboard benchmark: each figure printed beside its target.

1. Event to screen: the delay from ``POST /api/v1/events`` until a real headless chromium,
   showing the live events page, displays the event (p95, target <= 500 ms).
2. API latency: list endpoints called at 100 requests/s on loopback for a few seconds
   (p99, target <= 50 ms on SQLite).

The server is a uvicorn subprocess with the durable engine on a fresh SQLite database in a
temporary directory. Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from procureflow.adapters.db import all_tables  # noqa: F401
from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.db.user_store import UserStore

CHROMIUM = "/usr/bin/chromium"
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
LISTS = [
    "/api/v1/instances?limit=50",
    "/api/v1/events?limit=50",
    "/api/v1/approvals?status=all&limit=50",
    "/api/v1/playbooks",
    "/api/v1/audit/entries?limit=50",
    "/api/v1/master-data/suppliers?limit=50",
    "/api/v1/documents?limit=50",
    "/api/v1/exceptions?limit=50",
    "/api/v1/purchase-orders",
]


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def start(tmp: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """A migrated database with an orchestrator, and the server on a free port."""
    url = f"sqlite:///{tmp / 'bench.db'}"
    engine = create_engine(url)
    upgrade(engine)
    users = UserStore(engine, SqlAuditLog(engine))
    users.add("bench", roles=["orchestrator"])
    token = users.issue_token("bench")
    engine.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PROCUREFLOW_DATABASE_URL": url,
        "PROCUREFLOW_DATA_DIR": str(tmp / "data"),
        "PROCUREFLOW_EXECUTOR_ID": f"bench-{port}",
        "PROCUREFLOW_DEMO_MODE": "true",  # a throwaway bench install: the shipped secrets do
    }
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
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return process, base, token
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def event_to_screen(base: str, token: str, rounds: int) -> list[float]:
    """Milliseconds from posting each event to the browser showing its row."""
    from playwright.sync_api import sync_playwright

    delays = []
    headers = {"Authorization": f"Bearer {token}"}
    with sync_playwright() as playwright, httpx.Client(base_url=base, headers=headers) as api:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "/login")
        page.fill("#user", "bench")
        page.fill("#token", token)
        page.click("#login")
        page.wait_for_url(base + "/")
        page.goto(base + "/events")
        page.wait_for_selector("#live-status.on")
        page.evaluate(
            """() => { window.seen = {}; new MutationObserver(() => {
                 document.querySelectorAll('tr[data-event-id]').forEach(tr => {
                   const id = tr.getAttribute('data-event-id');
                   if (!(id in window.seen)) window.seen[id] = Date.now(); });
               }).observe(document.body, {childList: true, subtree: true}); }"""
        )
        for index in range(rounds):
            event_id = f"bench-{uuid.uuid4().hex[:12]}"
            sent = time.time() * 1000
            response = api.post(
                "/api/v1/events",
                json={
                    "specversion": "1.0",
                    "id": event_id,
                    "source": "bench/dashboard",
                    "type": "bench.ping",
                    "data": {"n": index},
                },
            )
            response.raise_for_status()
            page.wait_for_selector(f'tr[data-event-id="{event_id}"]', timeout=10000)
            delays.append(page.evaluate(f"window.seen['{event_id}']") - sent)
            time.sleep(0.15)
        browser.close()
    return delays


def list_latency(base: str, token: str, seconds: float, rate: float) -> list[float]:
    """Milliseconds per list request, sent at ``rate`` per second."""
    latencies = []
    interval = 1.0 / rate
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
        for path in LISTS:  # warm up
            api.get(path).raise_for_status()
        start_at = time.perf_counter()
        count = int(seconds * rate)
        for index in range(count):
            due = start_at + index * interval
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            began = time.perf_counter()
            api.get(LISTS[index % len(LISTS)]).raise_for_status()
            latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="events to time")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of the load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, base, token = start(Path(tmp))
        try:
            lat = list_latency(base, token, args.seconds, 100.0)
            if Path(CHROMIUM).exists():
                delays = event_to_screen(base, token, args.rounds)
                print(
                    f"event to screen p95: {percentile(delays, 95):7.1f} ms   target <= 500 ms"
                    f"   (median {statistics.median(delays):.1f} ms, n={len(delays)})"
                )
            else:
                print(f"event to screen: skipped, {CHROMIUM} not installed   target <= 500 ms")
            print(
                f"list API p99 at 100 req/s: {percentile(lat, 99):7.1f} ms   target <= 50 ms"
                f"   (median {statistics.median(lat):.1f} ms, n={len(lat)})"
            )
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
