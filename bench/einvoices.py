"""E-invoice validation on the known-good / known-bad corpus: each figure beside its target.

    python bench/einvoices.py [--corpus tests/data/einvoice] [--rounds 5]

- known-bad invoices flagged (held for accounts payable) or refused (target 100 %)
- known-good invoices accepted with their exact amount due (target 100 %)
- time to load the artefacts once (schemas, compiled schematrons) and per invoice after
  that (no target: for watching)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from procureflow.evaluation.einvoices import BAD_TARGET, GOOD_TARGET, score_einvoices  # noqa: E402


def line(label: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("  OK" if ok else "  MISSED")
    print(f"{label:<48} {value:>16}   target {target}{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "einvoice")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    score = score_einvoices(args.corpus)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(args.rounds):
        score_einvoices(args.corpus)
    cases = len(score.good) + len(score.bad)
    warm = (time.perf_counter() - started) / max(args.rounds, 1) / max(cases, 1)
    bad_ok = sum(c.ok for c in score.bad)
    good_ok = sum(c.ok for c in score.good)
    line(
        "known-bad flagged or refused",
        f"{bad_ok}/{len(score.bad)} {score.bad_rate:.0%}",
        f"{BAD_TARGET:.0%}",
        score.bad_rate >= BAD_TARGET,
    )
    line(
        "known-good accepted with the exact total",
        f"{good_ok}/{len(score.good)} {score.good_rate:.0%}",
        f"{GOOD_TARGET:.0%}",
        score.good_rate >= GOOD_TARGET,
    )
    line("first pass (artefacts loaded once)", f"{first:.2f} s", "-", None)
    line("per invoice afterwards", f"{warm * 1000:.1f} ms", "-", None)
    for failure in score.failures:
        print(f"  {failure.file}: {failure.outcome} — {failure.detail}")
    return 0 if score.bad_rate >= BAD_TARGET and score.good_rate >= GOOD_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
