"""Serverless Workflow conformance: CTK scenarios, official examples, invalid fixtures.

Prints ``ctk: N passed / M runnable / T total`` (every scenario is runnable: the public
services the HTTP scenarios name are served by local stand-ins), ``examples: L loaded /
A accepted by the official schema / E files`` and ``invalid: R refused / I``, each beside
its target (all of them). Also prints the interpreter's speed on a 10-task playbook in
memory (no durability), as a reference for ``bench/runtime.py``.

Run: ``python bench/conformance.py [--spec DIR]`` (default: the copy in tests/data).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from procureflow.errors import PlaybookInvalid  # noqa: E402
from procureflow.playbooks import load_playbook  # noqa: E402
from procureflow.runtime.memory import FakeClock, InMemoryRuntime  # noqa: E402
from tests.conformance.ctk_runner import load_scenarios, run_scenario  # noqa: E402
from tests.conformance.fake_services import local_services  # noqa: E402

DEFAULT_SPEC = ROOT / "tests" / "data" / "serverless-workflow"


def ctk(spec: Path) -> tuple[int, int, int, list[str]]:
    """Run every scenario; (passed, runnable, total, failures)."""
    scenarios = load_scenarios(spec / "ctk")
    failures = []
    with local_services() as http:
        for scenario in scenarios:
            try:
                run_scenario(scenario, http=http)
            except (AssertionError, PlaybookInvalid) as exc:
                failures.append(f"{scenario.id}: {exc}")
    total = len(scenarios)
    return total - len(failures), total, total, failures


def examples(spec: Path) -> tuple[int, int, int]:
    """(loaded, accepted by the official schema, files)."""
    schema = yaml.safe_load((spec / "schema" / "workflow.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((spec / "examples").glob("*.yaml"))
    accepted = loaded = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        if not validator.is_valid(yaml.safe_load(text)):
            continue
        accepted += 1
        try:
            load_playbook(text, path.name)
            loaded += 1
        except PlaybookInvalid as exc:
            print(f"  not loaded: {exc}")
    return loaded, accepted, len(files)


def invalid(spec: Path) -> tuple[int, int]:
    """(refused, files)."""
    files = sorted((spec / "invalid").glob("*.yaml"))
    refused = 0
    for path in files:
        try:
            load_playbook(path.read_text(encoding="utf-8"), path.name)
            print(f"  accepted although invalid: {path.name}")
        except PlaybookInvalid:
            refused += 1
    return refused, len(files)


def interpreter_speed(runs: int = 300) -> float:
    """Instances/s of a 10-task set playbook on the in-memory ports."""
    body = "".join(f"  - s{i}:\n      set:\n        n: ${{ (.n // 0) + 1 }}\n" for i in range(10))
    text = "document: {dsl: '1.0.0', namespace: bench, name: ten, version: '1.0.0'}\ndo:\n" + body
    playbook = load_playbook(text, "ten.yaml")
    started = time.perf_counter()
    for index in range(runs):
        InMemoryRuntime(clock=FakeClock()).run(playbook, {}, instance_id=f"i{index}")
    return runs / (time.perf_counter() - started)


def main() -> int:
    """Print every figure beside its target; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    spec = parser.parse_args().spec
    passed, runnable, total, failures = ctk(spec)
    for failure in failures:
        print(f"  failed: {failure}")
    print(f"ctk: {passed} passed / {runnable} runnable / {total} total   (target: all runnable)")
    loaded, accepted, files = examples(spec)
    print(
        f"examples: {loaded} loaded / {accepted} accepted by the official schema / {files} files   (target: all accepted)"
    )
    refused, count = invalid(spec)
    print(f"invalid: {refused} refused / {count}   (target: all)")
    print(
        f"interpreter in memory: {interpreter_speed():.0f} instances/s of 10 tasks   (reference only)"
    )
    return 0 if passed == runnable and loaded == accepted and refused == count else 1


if __name__ == "__main__":
    raise SystemExit(main())
