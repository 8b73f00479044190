"""Runtime throughput: a 10-task playbook against a bare DBOS workflow of 10 empty steps.

Runs both, in the same process and on the same database, first on SQLite and then on
the local PostgreSQL (skipped with a note if it cannot be reached), and prints
instances/s for each and their ratio beside the targets:
ratio >= 0.6 and >= 50 instances/s on SQLite (2-core machine).

    python bench/runtime.py [--instances N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from dbos import DBOS, SetWorkflowID

from procureflow.bootstrap import start_runtime, stop_runtime
from procureflow.config import Settings
from procureflow.runtime.playbook_catalog import register_source
from procureflow.runtime.workflows import run_instance_workflow

PLAYBOOK = """
document:
  dsl: '1.0.0'
  namespace: bench
  name: ten-tasks
  version: '1.0.0'
do:
""" + "".join(
    f"""  - step{i}:
      set:
        n: ${{ (.n // 0) + 1 }}
"""
    for i in range(10)
)


def _noop(i: int) -> int:
    return i


@DBOS.step(name="bench.empty")
def _empty_step(i: int) -> int:
    return i


@DBOS.workflow(name="bench.bare")
def bare_workflow() -> int:
    """Ten empty durable steps: the floor any interpreter pays."""
    for i in range(10):
        _empty_step(i)
    return 10


def measure(url: str, instances: int) -> dict[str, float]:
    """Instances/s of the playbook and of the bare workflow on ``url``."""
    settings = Settings(
        database_url=url,
        executor_id=f"bench-{uuid.uuid4().hex[:6]}",
        application_version="bench",
        data_dir=Path(tempfile.mkdtemp()),
        _env_file=None,  # type: ignore[call-arg]
    )
    svc = start_runtime(settings, sync_playbooks=False)
    try:
        version = register_source(svc, PLAYBOOK, "ten-tasks.yaml")

        def one_instance() -> None:
            instance_id = f"bench-{uuid.uuid4().hex[:16]}"
            with svc.engine.begin() as conn:
                svc.instances.create_instance(
                    conn,
                    instance_id=instance_id,
                    playbook=version,
                    input={},
                    trigger_event=None,
                    actor="bench",
                )
            with SetWorkflowID(instance_id):
                result = run_instance_workflow(instance_id)
            assert result["status"] == "completed" and result["output"]["n"] == 10, result

        for _ in range(5):  # warm up caches and connections
            one_instance()
            bare_workflow()
        # Interleave rounds of both so that drift in disk or CPU speed hits them alike.
        playbook_seconds = bare_seconds = 0.0
        rounds = 10
        per_round = max(1, instances // rounds)
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(per_round):
                one_instance()
            playbook_seconds += time.perf_counter() - start
            start = time.perf_counter()
            for _ in range(per_round):
                bare_workflow()
            bare_seconds += time.perf_counter() - start
        playbook_rate = rounds * per_round / playbook_seconds
        bare_rate = rounds * per_round / bare_seconds
    finally:
        stop_runtime(svc)
    return {"playbook": playbook_rate, "bare": bare_rate, "ratio": playbook_rate / bare_rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/bench.db"))
        targets.append(("PostgreSQL", args.postgres))
        print(
            f"runtime bench: {args.instances} instances of a 10-task playbook vs a bare 10-step workflow"
        )
        for label, url in targets:
            try:
                figures = measure(url, args.instances)
            except Exception as exc:  # report and go on: a missing server is not a crash
                print(f"{label:<10}  not measured: {type(exc).__name__}: {exc}")
                continue
            rate_ok = "meets" if figures["playbook"] >= 50 else "BELOW"
            ratio_ok = "meets" if figures["ratio"] >= 0.6 else "BELOW"
            print(
                f"{label:<10}  playbook {figures['playbook']:7.1f} instances/s "
                f"(target >= 50 on SQLite: {rate_ok if label == 'SQLite' else 'n/a'})  "
                f"bare DBOS {figures['bare']:7.1f} workflows/s  "
                f"ratio {figures['ratio']:.2f} (target >= 0.60: {ratio_ok})"
            )


if __name__ == "__main__":
    main()
