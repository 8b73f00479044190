"""CPU and memory per full supply-disruption instance, in one process that runs the engine.

Each instance is the demo's motor-delay mail (made unique), read and started as the
intake does, then driven to its end: the approvals the policy asks for are given and the
requests for quote confirmed as the suppliers would. Prints, beside their targets:

* CPU seconds per completed instance: every thread of the process (intake, engine,
  playbook logic, stores) except the driver's own, which acts for the people and
  suppliers; target ≤ 0.15;
* resident memory after the warm-up and at the end; target: the end within 10 % of the
  figure after 200 instances (when run with ``--instances 1000``).

Orders an instance places are closed once it settles, as if delivered, so the open-order
book stays the demo company's size (``--keep-orders-open`` lets it grow by one order per
instance: then every plan reads one more open order than the one before, and CPU per
instance grows with it). ``--profile`` adds the functions where the CPU time goes (every
thread profiled).

    python bench/cpu.py [--instances 300] [--batch 10] [--database URL] [--profile]
                        [--keep-orders-open]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import (  # noqa: E402
    act_for_people_and_suppliers,
    ingest_mail,
    seed_demo_world,
    unique_delay_mail,
)

TARGET_CPU_SECONDS = 0.15
WARM_UP = 200
SETTLED = {"completed", "faulted", "cancelled"}

_profiles: list[cProfile.Profile] = []


def _profile_every_thread() -> None:
    """Profile each thread started from now on (engine threads included)."""
    original = threading.Thread.run

    def run(self: threading.Thread) -> None:
        profile = cProfile.Profile(time.thread_time)
        _profiles.append(profile)
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()

    threading.Thread.run = run  # type: ignore[method-assign]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settings(database: str | None) -> Any:
    from procureflow.config import Settings

    folder = Path(tempfile.mkdtemp(prefix="pf-bench-cpu-"))
    url = database or f"sqlite:///{folder / 'bench.db'}"
    return Settings(
        database_url=url,
        data_dir=folder / "data",
        executor_id="bench-cpu",
        application_version="bench-cpu",
        secret_key="bench-" + "x" * 40,
        _env_file=None,  # type: ignore[call-arg]
    )


_driver_cpu = [0.0]


def _statuses(svc: Any, ids: list[str]) -> dict[str, str]:
    import sqlalchemy as sa

    with svc.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, status FROM pf_instances WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        ).all()
    return {str(i): str(s) for i, s in rows}


def _drive(svc: Any, people: dict[str, Any], ids: list[str], timeout: float = 300) -> int:
    """Act for people and suppliers until every instance in ``ids`` settled; completed.
    The CPU this driver spends on its own thread is not the product's: it is kept apart."""
    started_cpu = time.thread_time()
    deadline = time.monotonic() + timeout
    statuses = _statuses(svc, ids)
    try:
        while time.monotonic() < deadline:
            open_ids = [i for i in ids if statuses.get(i) not in SETTLED]
            if not open_ids:
                break
            for instance_id in open_ids:
                act_for_people_and_suppliers(svc, people, instance_id)
            time.sleep(0.3)
            statuses = _statuses(svc, ids)
        if not KEEP_ORDERS_OPEN[0]:
            _close_orders_of(svc, ids)
    finally:
        _driver_cpu[0] += time.thread_time() - started_cpu
    return sum(1 for i in ids if statuses.get(i) == "completed")


KEEP_ORDERS_OPEN = [False]


def _close_orders_of(svc: Any, ids: list[str]) -> None:
    """The orders these instances placed are delivered: no longer open."""
    import sqlalchemy as sa

    with svc.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE pf_purchase_orders SET status = 'closed' WHERE origin IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": ids},
        )


def run(instances: int, batch: int, database: str | None, profile: bool) -> None:
    from procureflow.bootstrap import start_runtime, stop_runtime

    if profile:
        _profile_every_thread()
        main_profile = cProfile.Profile(time.thread_time)
        _profiles.append(main_profile)
        main_profile.enable()
    svc = start_runtime(_settings(database))
    try:
        people = seed_demo_world(svc)
        # warm-up: caches, first imports, the solver's first model
        _drive(svc, people, ingest_mail(svc, unique_delay_mail(-1), "warm.eml"))
        completed = 0
        _driver_cpu[0] = 0.0
        cpu_start = time.process_time()
        wall_start = time.monotonic()
        rss_after_warm_up: float | None = None
        index = 0
        while index < instances:
            ids: list[str] = []
            for _ in range(min(batch, instances - index)):
                ids += ingest_mail(svc, unique_delay_mail(index), f"m{index}.eml")
                index += 1
            completed += _drive(svc, people, ids)
            if rss_after_warm_up is None and index >= min(WARM_UP, instances):
                gc.collect()
                rss_after_warm_up = _rss_mb()
        cpu = time.process_time() - cpu_start - _driver_cpu[0]
        wall = time.monotonic() - wall_start
        gc.collect()
        rss_end = _rss_mb()
    finally:
        stop_runtime(svc)
    per_instance = cpu / max(completed, 1)
    kind = "PostgreSQL" if database else "SQLite"
    verdict = "meets" if per_instance <= TARGET_CPU_SECONDS else "ABOVE"
    print(f"cpu bench: {instances} full supply-disruption instances, one process, {kind}")
    print(
        f"  completed {completed}/{instances} in {wall:.1f} s; CPU {cpu:.1f} s -> "
        f"{per_instance:.3f} CPU-s per instance (target <= {TARGET_CPU_SECONDS}) -> {verdict}"
    )
    if rss_after_warm_up is not None:
        growth = (rss_end - rss_after_warm_up) / rss_after_warm_up * 100
        print(
            f"  RSS after {min(WARM_UP, instances)} instances {rss_after_warm_up:.0f} MB, "
            f"after {instances} {rss_end:.0f} MB ({growth:+.1f} %; target within 10 % "
            f"over 1,000) -> {'meets' if abs(growth) <= 10 else 'ABOVE'}"
        )
    if profile:
        _print_profile()
    sys.stdout.flush()
    os._exit(0)  # engine threads parked in waits would keep the process alive


def _print_profile(top: int = 45) -> None:
    merged: pstats.Stats | None = None
    for profile in _profiles:
        profile.snapshot_stats()
        holder = type("Snapshot", (), {"stats": profile.stats, "create_stats": lambda _s: None})()
        if merged is None:
            merged = pstats.Stats(holder)  # type: ignore[arg-type]
        else:
            merged.add(holder)  # type: ignore[arg-type]
    if merged is None:
        return
    if os.environ.get("PROCUREFLOW_BENCH_PROFILE_FILE"):
        merged.dump_stats(os.environ["PROCUREFLOW_BENCH_PROFILE_FILE"])
    out = io.StringIO()
    merged.stream = out  # type: ignore[attr-defined]
    merged.sort_stats("tottime").print_stats(top)
    merged.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--database", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep-orders-open", action="store_true")
    args = parser.parse_args()
    KEEP_ORDERS_OPEN[0] = args.keep_orders_open
    run(args.instances, args.batch, args.database, args.profile)


if __name__ == "__main__":
    main()
