"""A small ProcureFlow deployment on this machine for the load and fault benches.

PostgreSQL (the local server, a database of the bench's own that is emptied first), an
API process and worker processes started as the deployment guide says, and a driver
that acts for the people and the suppliers of the demo company: it ingests delay mails,
approves what the policy sends to a person and confirms requests for quote through the
signed links of the supplier mail. Everything stays on loopback; every loop is bounded.
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.engine import create_engine
from procureflow.config import Settings

HUAXIN_MAIL = "01_delay_en_huaxin_motors.eml"
SETTLED = ("completed", "faulted", "cancelled")
ONCE_ONLY_AUDIT = ("rfq.sent", "disruption.executed", "price_change.applied")


def fresh_database(server_url: str, name: str) -> str:
    """Drop and create database ``name`` on the server; its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for attempt in range(10):  # a stopping process may still reconnect once
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )
                try:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                    break
                except sa.exc.OperationalError:
                    if attempt == 9:
                        raise
                    time.sleep(1)
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


WORKER_NICENESS = 10


@dataclass
class Deployment:
    """The processes of one bench deployment and the environment they share."""

    database_url: str
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pf-bench-")))
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    api: subprocess.Popen[bytes] | None = None
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PROCUREFLOW_DATABASE_URL": self.database_url,
            "PROCUREFLOW_DATA_DIR": str(self.folder / "data"),
            "PROCUREFLOW_SECRET_KEY": self.secret,
            "PROCUREFLOW_KEYSTORE_PASSPHRASE": self.secret[:32],
            "PROCUREFLOW_APPLICATION_VERSION": "bench",
            # a dead worker's instances are taken over after 20 s of silence
            "PROCUREFLOW_EXECUTOR_HEARTBEAT_SECONDS": "2",
            "PROCUREFLOW_EXECUTOR_SILENT_AFTER_SECONDS": "20",
            **self.extra_env,
        }

    def settings(self, executor_id: str = "bench-driver") -> Settings:
        return Settings(
            database_url=self.database_url,
            data_dir=self.folder / "data",
            executor_id=executor_id,
            application_version="bench",
            secret_key=self.secret,
            _env_file=None,  # type: ignore[call-arg]
        )

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a ``procureflow`` command to its end."""
        return subprocess.run(
            [sys.executable, "-m", "procureflow", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start_worker(self, executor_id: str) -> None:
        """A worker at a lower CPU priority than the API process, as docs/deployment.md
        advises (``Nice=10``): accepting answers first, instances wait a moment longer."""
        log = open(self.folder / f"{executor_id}.log", "ab")  # noqa: SIM115 - kept by Popen
        self.workers[executor_id] = subprocess.Popen(
            [
                "nice",
                "-n",
                str(WORKER_NICENESS),
                sys.executable,
                "-m",
                "procureflow",
                "worker",
                "--executor-id",
                executor_id,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_worker(self, executor_id: str) -> None:
        """SIGKILL, as a crash would."""
        process = self.workers.pop(executor_id)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def start_api(self, port: int, *extra: str) -> None:
        log = open(self.folder / "api.log", "ab")  # noqa: SIM115 - kept by Popen
        self.api = subprocess.Popen(
            [sys.executable, "-m", "procureflow", "serve", "--host", "127.0.0.1"]
            + ["--port", str(port), *extra],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def rss_mb(self, process: subprocess.Popen[bytes]) -> float:
        """Resident memory of a process and its children, in MB."""
        total = 0
        pids = [process.pid]
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except FileNotFoundError:
                continue
        return total / 1024

    def stop(self) -> None:
        for process in [*self.workers.values(), *([self.api] if self.api else [])]:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        self.workers.clear()
        self.api = None


def restart_postgres() -> None:
    """Restart the local PostgreSQL server (every connection is cut)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def driver_services(deployment: Deployment) -> Iterator[Any]:
    """Stores and a client that enqueues for the workers (this process runs nothing)."""
    from procureflow.cli import context

    previous = os.environ.copy()
    os.environ.update(deployment.env)
    try:
        from procureflow.config import get_settings

        get_settings.cache_clear()
        with context.client() as svc:
            yield svc
    finally:
        os.environ.clear()
        os.environ.update(previous)


def seed_demo_world(svc: Any) -> dict[str, Any]:
    """The demo company's master data, open orders and people."""
    from procureflow.demo.runner import ensure_people
    from procureflow.runtime.disruption_seed import ensure_demo_world

    ensure_demo_world(svc)
    return ensure_people(svc.extras["users"])


def unique_delay_mail(index: int) -> bytes:
    """The demo's motor-delay mail, made a new message by one header."""
    from procureflow.demo import demo_emails

    return f"X-Bench-Mail: {index}\r\n".encode() + demo_emails()[HUAXIN_MAIL]


def ingest_mail(svc: Any, raw: bytes, name: str) -> list[str]:
    """Read a mail as the intake does and start what it calls for; instance ids."""
    from procureflow.adapters.db.master_repository import MasterDataRepository
    from procureflow.adapters.storage import LocalContentStore
    from procureflow.runtime.disruption_intake import start_from_mail
    from procureflow.runtime.mail_intake import read_supplier_mail

    store = LocalContentStore(Path(svc.settings.data_dir) / "documents")
    mail, reading = read_supplier_mail(
        raw, source=name, master=MasterDataRepository(svc.engine), quarantine=store, archive=store
    )
    return list(start_from_mail(svc, mail, reading, file=name, actor="bench-mailroom")["started"])


def act_for_people_and_suppliers(svc: Any, people: dict[str, Any], instance_id: str) -> int:
    """Approve what waits for a person, confirm the latest requests for quote; the
    number of supplier answers recorded."""
    from procureflow.demo.scenarios.disruption import confirm_quotes
    from procureflow.demo.scenarios.guarded_purchase import approve_along_chain

    if approve_along_chain(svc, instance_id, people):
        return 0
    return confirm_quotes(svc, svc.instances.instance(instance_id))


@dataclass
class Tally:
    """What became of the bench's instances."""

    started: int = 0
    completed: int = 0
    faulted: int = 0
    stuck: int = 0
    lost: int = 0
    duplicated: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def tally(engine: sa.Engine, instance_ids: list[str], answered: set[str]) -> Tally:
    """Count outcomes and any effect written twice, straight from the database."""
    result = Tally(started=len(instance_ids))
    if not instance_ids:
        return result
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, status, output FROM pf_instances WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": instance_ids},
        ).all()
        for instance_id, status, output in rows:
            outcome = _outcome(output)
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            if status == "completed":
                result.completed += 1
                if instance_id in answered and outcome != "executed":
                    result.lost += 1  # a supplier said yes and the plan went elsewhere
            elif status == "faulted":
                result.faulted += 1
            elif status not in SETTLED:
                result.stuck += 1
        result.stuck += len(instance_ids) - len(rows)
        result.duplicated += conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT origin, supplier_id FROM pf_purchase_orders "
                "WHERE origin IN :ids GROUP BY origin, supplier_id HAVING count(*) > 1) d"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": instance_ids},
        ).scalar_one()
        result.duplicated += conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT stream, kind, subject FROM pf_audit_entries "
                "WHERE kind IN :kinds GROUP BY stream, kind, subject HAVING count(*) > 1) d"
            ).bindparams(sa.bindparam("kinds", expanding=True)),
            {"kinds": list(ONCE_ONLY_AUDIT)},
        ).scalar_one()
    return result


def _outcome(output: Any) -> str:
    if isinstance(output, str):
        import json

        output = json.loads(output)
    if isinstance(output, dict):
        return str(output.get("outcome") or "none")
    return "none"


def pick(population: list[str]) -> str:
    return random.choice(population)


__all__ = [
    "Deployment",
    "Tally",
    "act_for_people_and_suppliers",
    "driver_services",
    "fresh_database",
    "ingest_mail",
    "pick",
    "restart_postgres",
    "seed_demo_world",
    "tally",
    "unique_delay_mail",
]
