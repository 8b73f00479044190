"""Faults: full supply-disruption instances survive crashed workers, a PostgreSQL restart
and a worker that never comes back.

Three ``procureflow worker`` processes on the local PostgreSQL (a database of the
bench's own). The driver ingests the demo's motor-delay mail again and again (each a new
message), approves what the policy sends to a person and confirms the requests for quote
as the suppliers would. Meanwhile, every ~10 s a random worker is SIGKILLed and
restarted with the same executor id; PostgreSQL is restarted once; one worker is killed
for good and its instances are taken over by the live workers once it has been silent
for 20 s (or, with ``--manual-recover``, by ``procureflow workers recover --from ID``).

Prints completed / faulted / lost / stuck / duplicated beside the target (all completed,
0 lost, 0 stuck, 0 duplicated effects). Loopback only; bounded in count and time.

    python bench/faults.py [--instances 500] [--minutes 25] [--server URL] [--manual-recover]
"""

from __future__ import annotations

import argparse
import random
import time

import sqlalchemy as sa
from cluster import (
    Deployment,
    act_for_people_and_suppliers,
    driver_services,
    fresh_database,
    ingest_mail,
    restart_postgres,
    seed_demo_world,
    tally,
    unique_delay_mail,
)

KILL_EVERY_SECONDS = 10.0


def run(instances: int, minutes: float, server: str, manual_recover: bool) -> None:
    deployment = Deployment(
        fresh_database(server, "procureflow_bench_faults"),
        extra_env={"PROCUREFLOW_EXECUTOR_AUTO_RECOVER": "false"} if manual_recover else {},
    )
    upgraded = deployment.cli("db", "upgrade")
    if upgraded.returncode != 0:
        raise SystemExit(f"db upgrade failed: {upgraded.stderr}")
    workers = ["worker-1", "worker-2", "worker-3"]
    for name in workers:
        deployment.start_worker(name)
    started: list[str] = []
    answered: set[str] = set()
    events = {"kills": 0, "postgres_restarts": 0, "killed_for_good": "", "recovered": ""}
    deadline = time.monotonic() + minutes * 60
    try:
        with driver_services(deployment) as svc:
            people = seed_demo_world(svc)
            next_kill = time.monotonic() + KILL_EVERY_SECONDS
            while time.monotonic() < deadline:
                try:
                    if len(started) < instances:
                        for _ in range(5):
                            index = len(started)
                            started += ingest_mail(svc, unique_delay_mail(index), f"m{index}.eml")
                    open_ids = _open_instances(svc.engine, started)
                    for instance_id in open_ids[:200]:
                        if act_for_people_and_suppliers(svc, people, instance_id):
                            answered.add(instance_id)
                    if len(started) >= instances and not open_ids:
                        break
                except sa.exc.OperationalError:
                    time.sleep(1)  # the database is restarting; the driver waits like a person
                    continue
                if time.monotonic() >= next_kill and open_ids:
                    _chaos(
                        deployment,
                        workers,
                        events,
                        progress=len(started) / instances,
                        manual_recover=manual_recover,
                    )
                    next_kill = time.monotonic() + KILL_EVERY_SECONDS
                time.sleep(0.2)
            figures = tally(svc.engine, started, answered)
    finally:
        deployment.stop()
    ok = (
        figures.completed == instances
        and figures.lost == figures.stuck == figures.duplicated == 0
        and figures.faulted == 0
    )
    print(f"faults bench: {instances} supply-disruption instances, 3 workers, PostgreSQL")
    print(
        f"  chaos: {events['kills']} worker SIGKILLs (restarted), "
        f"{events['postgres_restarts']} PostgreSQL restart, "
        f"{events['killed_for_good'] or 'no worker'} killed for good "
        f"(recovered by {events['recovered'] or 'nobody'})"
    )
    print(
        f"  started {figures.started}, completed {figures.completed} (target {instances}), "
        f"faulted {figures.faulted}, lost {figures.lost}, stuck {figures.stuck}, "
        f"duplicated {figures.duplicated} (targets 0) -> {'meets' if ok else 'BELOW'}"
    )
    print(f"  outcomes: {figures.outcomes}")


def _open_instances(engine: sa.Engine, ids: list[str]) -> list[str]:
    if not ids:
        return []
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT id FROM pf_instances WHERE id IN :ids "
                    "AND status NOT IN ('completed', 'faulted', 'cancelled')"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": ids},
            ).scalars()
        )


def _chaos(
    deployment: Deployment,
    workers: list[str],
    events: dict[str, object],
    progress: float,
    *,
    manual_recover: bool,
) -> None:
    """One fault: mostly a crashed worker restarted; once a database restart; once a
    worker that stays dead and whose work a live worker takes over."""
    if progress > 0.3 and not events["postgres_restarts"]:
        restart_postgres()
        events["postgres_restarts"] = 1
        return
    if progress > 0.5 and not events["killed_for_good"]:
        dead = workers.pop()
        deployment.kill_worker(dead)
        events["killed_for_good"] = dead
        if not manual_recover:
            events["recovered"] = "the live workers, automatically after 20 s of silence"
            return
        time.sleep(3.0)  # the operator notices
        handed = deployment.cli("workers", "recover", "--from", dead, "--as", "bench-operator")
        events["recovered"] = (
            "procureflow workers recover" if handed.returncode == 0 else f"failed: {handed.stderr}"
        )
        return
    victim = random.choice(workers)
    deployment.kill_worker(victim)
    events["kills"] = int(str(events["kills"])) + 1
    time.sleep(1.0)
    deployment.start_worker(victim)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=25.0)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--manual-recover",
        action="store_true",
        help="The worker killed for good is recovered by the command, not automatically.",
    )
    args = parser.parse_args()
    run(args.instances, args.minutes, args.server, args.manual_recover)


if __name__ == "__main__":
    main()
