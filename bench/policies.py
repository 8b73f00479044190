"""Guardrail evaluation latency and what-if replay throughput, each beside its target.

* Guard latency: the shipped default policy (7 guardrails, CEL) over recovery-plan facts
  drawn at random (fixed seed); p50 and p95 per decision. Target p50 ≤ 5 ms: a guard runs
  once per plan inside a playbook whose email-to-plan budget is 2 s, and a durable step
  itself costs a few ms on SQLite. CEL is interpreted by cel-python (~0.3 ms per
  expression, more for ``exists`` macros), which sets the floor.
* Replay: ``simulate`` of N recorded decisions (in memory, as read from the store) under a
  changed policy; decisions per second. Target ≥ 250/s: 10,000 recorded decisions (months
  of disruptions for a mid-sized manufacturer) replay in under 40 s while the person who
  edited the policy waits.

Run: ``python bench/policies.py [--decisions 5000]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from procureflow.policies import (
    RecordedGuardDecision,
    evaluate_guardrails,
    jsonable_facts,
    load_default_policy,
    load_policy,
    simulate,
)

GUARD_P50_TARGET_MS = 5.0
REPLAY_TARGET_PER_S = 250.0


def random_facts(rng: random.Random) -> dict[str, Any]:
    """Recovery-plan facts in the shape the default policy reads."""
    suppliers = [
        {
            "id": f"SUP-{rng.randrange(1000):04d}",
            "approved": rng.random() > 0.05,
            "esg_score": rng.randrange(30, 95),
            "expired_certificates": ["ISO 9001"] if rng.random() < 0.03 else [],
        }
        for _ in range(rng.randrange(1, 4))
    ]
    return {
        "action": {
            "kind": "recovery_plan",
            "category": rng.choice(["direct-materials", "logistics", "services", "it", "mro"]),
            "amount": {"amount": f"{rng.uniform(500, 400000):.2f}", "currency": "EUR"},
            "extra_cost": {"amount": f"{rng.uniform(0, 30000):.2f}", "currency": "EUR"},
            "price_increase_pct": round(rng.uniform(-2, 12), 2),
            "carbon_increase_pct": round(rng.uniform(-10, 40), 1),
            "suppliers": suppliers,
        },
        "context": {"severity": rng.choice(["low", "medium", "high", "critical"])},
    }


def main() -> None:
    """Measure and print both figures with their targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=5000)
    args = parser.parse_args()
    rng = random.Random(2026)
    policy = load_default_policy()
    facts = [random_facts(rng) for _ in range(args.decisions)]

    for item in facts[:50]:  # warm-up
        evaluate_guardrails(policy, item)
    timings: list[float] = []
    recorded: list[RecordedGuardDecision] = []
    for i, item in enumerate(facts):
        start = time.perf_counter()
        outcome = evaluate_guardrails(policy, item)
        timings.append((time.perf_counter() - start) * 1000)
        recorded.append(
            RecordedGuardDecision(
                instance_id=f"inst-{i}",
                task_key="guard",
                policy_digest=policy.digest,
                facts=jsonable_facts(item),
                outcome=outcome.model_dump(mode="json"),
            )
        )
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[18]
    verdict = "meets" if p50 <= GUARD_P50_TARGET_MS else "SHORT of"
    print(
        f"guard evaluation ({len(policy.document.guardrails)} guardrails, {len(facts)} decisions): "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms — target p50 ≤ {GUARD_P50_TARGET_MS} ms ({verdict} target)"
    )

    assert policy.source is not None
    changed = load_policy(
        policy.source.replace("action.price_increase_pct > 5.0", "action.price_increase_pct > 3.0"),
        origin="bench-changed.yaml",
    )
    start = time.perf_counter()
    report = simulate(changed, recorded)
    elapsed = time.perf_counter() - start
    rate = report.total / elapsed
    verdict = "meets" if rate >= REPLAY_TARGET_PER_S else "SHORT of"
    print(
        f"policy replay: {report.total} decisions in {elapsed:.2f} s = {rate:,.0f}/s, "
        f"{report.changed} would change — target ≥ {REPLAY_TARGET_PER_S:,.0f}/s ({verdict} target)"
    )


if __name__ == "__main__":
    main()
