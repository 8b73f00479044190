"""Contract to pay: the sample supply contract (DOCX) is signed; onboarding, the PO
(approved by the matrix), the milestone workspace and the compliance record follow;
goods arrive, a milestone is accepted, the supplier's UBL invoice matches and its
payment is approved and scheduled for the early-payment discount. A second invoice at
too high a price lands in the exception queue for the buyer."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from procureflow.demo.contracts import SampleContract, sample_contract_docx, sample_supplier
from procureflow.demo.contracts.invoices import Line, sample_invoice_ubl
from procureflow.demo.scenarios.base import ScenarioResult
from procureflow.domain.clock import utcnow
from procureflow.runtime.approvals import decide
from procureflow.runtime.payables_intake import (
    complete_milestone,
    receive_invoice,
    record_receipt,
    sign_contract_file,
)
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services

TITLE = "Contract to pay (DOCX contract to pain.001-ready payment)"


def _until(probe: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    return None


def _approve(svc: Services, instance_id: str, kind: str, people: dict[str, Any]) -> str | None:
    def pending() -> dict[str, Any] | None:
        for row in svc.approvals.inbox(status="pending"):
            if row["instance_id"] == instance_id and row["action"].get("kind") == kind:
                return row
        return None

    row = _until(pending)
    if row is None:
        return None
    person = next(p for p in people.values() if row["role"] in p.roles)
    decide(
        svc,
        row["id"],
        approver=person.id,
        approver_roles=person.roles,
        approve=True,
        quoted_digest=row["digest"],
        comment="Approved in the demo",
    )
    return str(row["id"])


def _listening(svc: Services, instance_id: str) -> set[str]:
    """Ids of the instance's open event subscriptions (empty while it is busy)."""
    return {s.id for s in svc.events.open_subscriptions() if s.instance_id == instance_id}


def _then_listening_again(svc: Services, instance_id: str, action: Callable[[], Any]) -> Any:
    """Run ``action`` (an event the listening instance wakes for) and wait until it listens
    again, so the next event does not arrive while it is busy."""
    before = _listening(svc, instance_id)
    result = action()
    _until(lambda: _listening(svc, instance_id) - before)
    return result


def add_sample_supplier(svc: Services, facts: SampleContract | None = None) -> None:
    """Put the sample contract's supplier in the supplier master (a signed contract links
    to a supplier the master knows; it is never made up from the contract)."""
    from procureflow.adapters.db.master_repository import MasterDataRepository

    with svc.engine.begin() as conn:
        MasterDataRepository(svc.engine).upsert(
            conn, "suppliers", [sample_supplier(facts)], source="demo contract-to-pay"
        )


def run(svc: Services, people: dict[str, Any]) -> ScenarioResult:
    """Sign, approve, receive, invoice, approve payment; leave one exception open.

    Invoice numbers are random so that a second demo run on the same database is not
    (rightly) held as a possible duplicate of the first run's invoice.
    """
    stores = payables_stores(svc)
    facts = SampleContract(number=f"C-DEMO-{utcnow():%Y%m%d%H%M%S}")
    add_sample_supplier(svc, facts)
    signed = sign_contract_file(
        svc, sample_contract_docx(facts), "supply-contract.docx", actor="lea"
    )
    started = signed["event"]["started"]
    if not started:
        return ScenarioResult(TITLE, False, problem="signing started no contract-to-pay instance")
    instance_id = started[0]
    approvals = [a for a in [_approve(svc, instance_id, "purchase_order", people)] if a]
    po_number = _until(lambda: stores.contracts.get(signed["contract"]["contract_id"])["po_number"])
    if not approvals or not po_number:
        return ScenarioResult(TITLE, False, [instance_id], approvals, problem="PO not approved")
    _until(lambda: _listening(svc, instance_id))
    today = date.today()
    _then_listening_again(
        svc,
        instance_id,
        lambda: record_receipt(
            svc,
            receipt_id=f"GR-{facts.number}",
            po_number=po_number,
            lines={"1": 20, "2": 4},
            received_on=today,
            actor="warehouse",
        ),
    )
    _then_listening_again(
        svc,
        instance_id,
        lambda: complete_milestone(
            svc, po_or_contract=po_number, milestone_id="M1", on=today, actor="pm"
        ),
    )
    price = Decimal("1500.00")
    invoice = receive_invoice(
        svc,
        sample_invoice_ubl(
            number=f"NW{uuid.uuid4().hex[:12].upper()}",
            po_number=po_number,
            issue_date=today.isoformat(),
            lines=[
                Line("1", "Conveyor module CM-200", Decimal(20), price),
                Line("2", "Drive unit DU-10", Decimal(4), price),
                Line("3", "Installation on site", Decimal(1), Decimal("6000.00")),
            ],
        ),
        "invoice-1.xml",
        actor="mailroom",
    )["invoice"]
    paid = _approve(svc, instance_id, "payment", people)
    approvals += [paid] if paid else []
    payment = _until(
        lambda: next(
            (p for p in stores.payables.payments() if p["invoice_id"] == invoice["invoice_id"]),
            None,
        )
    )
    _until(lambda: _listening(svc, instance_id))
    overpriced = receive_invoice(
        svc,
        sample_invoice_ubl(
            number=f"NW{uuid.uuid4().hex[:12].upper()}",
            po_number=po_number,
            issue_date=today.isoformat(),
            lines=[Line("4", "Commissioning and acceptance", Decimal(1), Decimal("7200.00"))],
        ),
        "invoice-2.xml",
        actor="mailroom",
    )["invoice"]
    ok = payment is not None
    return ScenarioResult(
        name=TITLE,
        ok=ok,
        instances=[instance_id],
        approvals=approvals,
        details={
            "contract": signed["contract"]["contract_id"],
            "po_number": po_number,
            "invoice": invoice["invoice_id"],
            "payment": payment,
            "exception_invoice": overpriced["invoice_id"],
        },
        problem=None if ok else "the matched invoice was not authorised for payment",
    )
