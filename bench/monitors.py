"""One monitor pass over 100,000 milestones, 50,000 certificates and 10,000 pending
approvals, in a temporary SQLite database.

Generates the data (10,000 suppliers with 5 certificates each, 5,000 signed contracts
with 20 milestones each, 10,000 pending approvals, 20,000 matched invoices), then runs
every monitor twice at the same moment's hour: the first pass opens the exceptions (the
worst case, every finding new), the second finds the same things again (the steady
state: bumps only). For each pass it prints the time, the SQL statements it ran by kind
and per monitor, and the findings, beside the target: under 5 s on SQLite.

    python bench/monitors.py [--milestones N] [--certificates N] [--approvals N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.tables import approvals
from procureflow.adapters.db.tables_master import suppliers
from procureflow.adapters.db.tables_payables import (
    contract_milestones,
    invoices,
    match_results,
    signed_contracts,
)
from procureflow.bootstrap import build_services
from procureflow.config import Settings
from procureflow.runtime.monitors import MONITORS, run_monitor
from procureflow.runtime.services import Services

AS_OF = datetime(2027, 6, 1, 6, tzinfo=UTC)
TARGET_SECONDS = 5.0


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        conn.execute(table.insert(), rows[start : start + 5000])


def generate(svc: Services, milestones: int, certificates: int, pending: int) -> None:
    """Fill the store: spread over the past and the next years, like a real book."""
    rng = random.Random(6)
    today = AS_OF.date()
    now = datetime.now(UTC)
    n_suppliers = max(1, certificates // 5)
    supplier_rows = []
    for s in range(n_suppliers):
        certs = [
            {
                "name": f"CERT-{c}",
                "expiry": (today + timedelta(days=rng.randint(-60, 1095))).isoformat(),
            }
            for c in range(5)
        ]
        supplier_rows.append(
            {
                "supplier_id": f"S{s:05d}",
                "name": f"Supplier {s}",
                "email_domains": [f"s{s}.example"],
                "location": "DEHAM",
                "country": "DE",
                "approved": True,
                "esg_score": str(rng.randint(30, 90)),
                "altman_z": f"{rng.uniform(1.0, 4.0):.2f}",
                "certifications": certs,
                "payment_terms": "net 30",
                "extra": {"contact_email": f"qa@s{s}.example"},
                "source": "bench",
                "updated_at": now,
            }
        )
    n_contracts = max(1, milestones // 20)
    contract_rows = [
        {
            "contract_id": f"C{c:05d}",
            "source_sha256": f"{c:064d}",
            "source_name": f"C{c}.pdf",
            "supplier_id": f"S{c % n_suppliers:05d}",
            "supplier_name": f"Supplier {c % n_suppliers}",
            "category": "services",
            "currency": "EUR",
            "value": "10000",
            "terms": {},
            "status": "active",
            "signed_by": "bench",
            "signed_at": now,
            "origin": "api",
        }
        for c in range(n_contracts)
    ]
    milestone_rows = []
    for m in range(milestones):
        due = today + timedelta(days=rng.randint(-120, 600))
        done = due < today and rng.random() < 0.9
        milestone_rows.append(
            {
                "contract_id": f"C{m // 20:05d}",
                "milestone_id": f"M{m % 20:02d}",
                "name": f"Milestone {m % 20}",
                "due_date": due,
                "amount": "500",
                "currency": "EUR",
                "completed_on": due if done else None,
                "completed_by": "bench" if done else None,
            }
        )
    approval_rows = []
    for a in range(pending):
        created = AS_OF - timedelta(hours=rng.uniform(0, 200))
        sla = 24 if a % 20 else 2  # one in twenty is past its SLA at the pass
        due_at = (
            AS_OF + timedelta(hours=rng.uniform(1, 48)) if a % 20 else AS_OF - timedelta(hours=1)
        )
        approval_rows.append(
            {
                "id": f"ap-bench-{a:06d}",
                "instance_id": None,
                "workflow_id": None,
                "task_key": f"t{a}",
                "title": f"Release PO-{a}",
                "action": {"po": f"PO-{a}"},
                "digest": f"{a:064d}",
                "reasoning": None,
                "requested_by": "bench",
                "chain": [
                    {"role": "buyer", "sla_hours": sla},
                    {"role": "category_manager", "sla_hours": 24},
                    {"role": "cfo", "sla_hours": 48},
                ],
                "level": 0,
                "role": "buyer",
                "status": "pending",
                "due_at": due_at,
                "created_at": created,
            }
        )
    invoice_rows, match_rows = [], []
    for i in range(20_000):
        when = AS_OF - timedelta(days=rng.uniform(0, 60))
        supplier = f"S{rng.randrange(min(n_suppliers, 500)):05d}"
        invoice_rows.append(
            {
                "invoice_id": f"INV{i:06d}",
                "supplier_key": supplier,
                "supplier_name": supplier,
                "number": str(i),
                "normalised_number": str(i),
                "file_sha256": f"{i:064d}",
                "file_name": f"{i}.xml",
                "document_type": "ubl",
                "currency": "EUR",
                "amount": "100",
                "issue_date": when.date(),
                "invoice": {},
                "status": "matched",
                "received_by": "bench",
                "created_at": when,
            }
        )
        bad = rng.random() < (0.25 if supplier.endswith("7") else 0.04)
        match_rows.append(
            {
                "idempotency_key": f"m{i}",
                "invoice_id": f"INV{i:06d}",
                "decision": "review" if bad else "approve",
                "reason_codes": [],
                "result": {},
                "created_at": when,
            }
        )
    with svc.engine.begin() as conn:
        _insert(conn, suppliers, supplier_rows)
        _insert(conn, signed_contracts, contract_rows)
        _insert(conn, contract_milestones, milestone_rows)
        _insert(conn, approvals, approval_rows)
        _insert(conn, invoices, invoice_rows)
        _insert(conn, match_results, match_rows)


class StatementCounter:
    """Counts the SQL statements an engine sends (an executemany counts once)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.kinds: Counter[str] = Counter()
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.kinds[statement.lstrip().split(None, 1)[0].upper()] += 1

    def take(self) -> Counter[str]:
        taken, self.kinds = self.kinds, Counter()
        return taken


def one_pass(svc: Services, counter: StatementCounter, moment: datetime, label: str) -> float:
    """Run every monitor at ``moment``; print per-monitor figures; return the total time."""
    total = 0.0
    print(f"\n{label} pass at {moment.isoformat()}")
    print(f"  {'monitor':<18}{'seconds':>9}{'statements':>12}  findings / actions")
    all_kinds: Counter[str] = Counter()
    for name in MONITORS:
        counter.take()
        started = time.perf_counter()
        run = run_monitor(svc, name, moment)
        elapsed = time.perf_counter() - started
        total += elapsed
        kinds = counter.take()
        all_kinds.update(kinds)
        actions = ", ".join(f"{k}={v}" for k, v in run["actions"].items())
        print(
            f"  {name:<18}{elapsed:>9.2f}{sum(kinds.values()):>12}  "
            f"{run['found']['findings']} found; {actions}"
        )
    by_kind = ", ".join(f"{k} {v}" for k, v in sorted(all_kinds.items()))
    verdict = "OK" if total < TARGET_SECONDS else "OVER TARGET"
    print(f"  total {total:.2f} s  (target < {TARGET_SECONDS:.0f} s on SQLite: {verdict})")
    print(f"  statements: {sum(all_kinds.values())} ({by_kind})")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--milestones", type=int, default=100_000)
    parser.add_argument("--certificates", type=int, default=50_000)
    parser.add_argument("--approvals", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}", data_dir=Path(tmp) / "data"
        )
        svc = build_services(settings)
        started = time.perf_counter()
        generate(svc, args.milestones, args.certificates, args.approvals)
        print(
            f"generated {args.milestones} milestones, {args.certificates} certificates, "
            f"{args.approvals} pending approvals, 20000 match results "
            f"in {time.perf_counter() - started:.1f} s"
        )
        counter = StatementCounter(svc.engine)
        one_pass(svc, counter, AS_OF, "first (every finding new)")
        one_pass(svc, counter, AS_OF + timedelta(hours=1), "second (steady state)")
        svc.engine.dispose()


if __name__ == "__main__":
    main()
