"""Invoice accuracy per supplier over a window (too many mismatches, or rising) and
supplier risk drift after a re-import of ESG and financial figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.monitors import run_monitor
from procureflow.runtime.services import Services
from tests.integration.monitors.conftest import add_match, import_suppliers, supplier_row

AS_OF = datetime(2027, 5, 31, 6, tzinfo=UTC)


def _matches(svc: Services, supplier: str, days_ago: int, approve: int, review: int) -> None:
    when = AS_OF - timedelta(days=days_ago)
    for n in range(approve + review):
        add_match(svc, supplier, days_ago * 100 + n, "approve" if n < approve else "review", when)


def test_a_supplier_with_too_many_or_rising_mismatches_is_raised(svc: Services) -> None:
    _matches(svc, "ACCURATE", 10, approve=10, review=0)
    _matches(svc, "SLOPPY", 10, approve=6, review=4)  # 40 % now
    _matches(svc, "DRIFTING", 40, approve=10, review=0)  # 0 % in the window before
    _matches(svc, "DRIFTING", 5, approve=17, review=2)  # 10.5 %: above 10 % and rising
    _matches(svc, "FEW", 3, approve=1, review=2)  # 3 invoices: too few to judge
    run = run_monitor(svc, "invoice_accuracy", AS_OF)
    assert run["looked_at"]["suppliers"] == 4
    raised = {e["subject"]["id"]: e for e in exception_queue(svc).list()}
    assert set(raised) == {"SLOPPY", "DRIFTING"}
    assert raised["SLOPPY"]["detail"]["rate"] == "0.4000"
    assert raised["SLOPPY"]["owner_role"] == "accounts_payable"
    assert any("rose from 0.0% to 10.5%" in r for r in raised["DRIFTING"]["detail"]["reasons"])
    run_monitor(svc, "invoice_accuracy", AS_OF + timedelta(hours=1))
    assert len(exception_queue(svc).list()) == 2, "the same week: bumped, not repeated"


def test_a_reimport_that_lowers_esg_or_altman_z_is_raised_once(svc: Services) -> None:
    import_suppliers(
        svc,
        supplier_row("SUP-1", "ISO 9001@2030-01-01", esg="72", z="3.0"),
        supplier_row("SUP-2", "ISO 9001@2030-01-01", esg="65", z="2.9"),
    )
    baseline = run_monitor(svc, "supplier_risk", AS_OF)
    assert baseline["found"]["findings"] == 0
    assert baseline["actions"]["suppliers_snapshotted"] == 2

    import_suppliers(
        svc,
        supplier_row("SUP-1", "ISO 9001@2030-01-01", esg="58", z="3.0"),
        supplier_row("SUP-2", "ISO 9001@2030-01-01", esg="66", z="1.5"),
    )
    drift = run_monitor(svc, "supplier_risk", AS_OF + timedelta(minutes=10))
    assert drift["looked_at"]["imports_since_last_run"] == 1
    raised = {e["subject"]["id"]: e for e in exception_queue(svc).list()}
    assert raised["SUP-1"]["detail"]["reasons"] == ["ESG score fell from 72 to 58"]
    assert raised["SUP-2"]["detail"]["reasons"] == [
        "Altman Z 1.5 is now below the distress line 1.81"
    ]
    quiet = run_monitor(svc, "supplier_risk", AS_OF + timedelta(minutes=20))
    assert quiet["found"]["findings"] == 0 and quiet["looked_at"]["imports_since_last_run"] == 0
    assert len(exception_queue(svc).list()) == 2
