"""Contract to pay, the less common roads: a supplier on the denied-party list, a credit
note, and a contract in a currency the approval matrix cannot convert."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from procureflow.demo.contracts import SampleContract, SampleItem, sample_contract_docx
from procureflow.documents.pain001 import Debtor
from procureflow.runtime.exception_functions import exception_queue, resolve
from procureflow.runtime.payables_export import export_authorised_payments
from procureflow.runtime.payables_intake import receive_invoice, record_receipt, sign_contract_file
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services
from tests.e2e.contract_to_pay_support import (
    add_people,
    approve,
    goods,
    poll,
    send_invoice,
    start_with_approved_po,
    then_listening_again,
    wait_exception,
    wait_invoice_status,
    wait_listening,
)
from tests.factories_payables import denied_parties_in_force, ubl_invoice

DEBTOR = Debtor(name="Hanse Maschinenbau AG", iban="DE02120300000000202051")


def _receive_all(svc: Services, instance_id: str, po_number: str) -> None:
    then_listening_again(
        svc,
        instance_id,
        lambda: record_receipt(
            svc,
            receipt_id="GR-1",
            po_number=po_number,
            lines={"1": 20},
            received_on=date.today(),
            actor="warehouse",
        ),
    )


def test_a_denied_party_is_flagged_at_onboarding_and_its_invoice_is_not_paid(
    runtime: Services,
) -> None:
    denied_parties_in_force(
        payables_stores(runtime).contracts,
        b"name,country\nNordwind Anlagenbau,DE\n",
        list_name="eu",
    )
    contract, instance_id, po_number = start_with_approved_po(runtime)
    flagged = poll(
        "the onboarding exception",
        lambda: exception_queue(runtime).list(
            subject_type="contract", subject_id=contract["contract_id"]
        ),
    )[0]
    assert (flagged["reason_code"], flagged["owner_role"], flagged["severity"]) == (
        "denied_party",
        "legal",
        "critical",
    )
    _receive_all(runtime, instance_id, po_number)
    invoice_id = send_invoice(runtime, po_number, [goods(20)])
    blocked = wait_exception(runtime, invoice_id)
    assert (blocked["reason_code"], blocked["owner_role"]) == ("denied_party", "legal")
    assert payables_stores(runtime).payables.payments() == []
    resolve(runtime, blocked["id"], user="lea", resolution={"action": "reject"})
    wait_invoice_status(runtime, invoice_id, "rejected")
    assert payables_stores(runtime).payables.payments() == []


def test_a_matched_credit_note_is_booked_not_paid(runtime: Services) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive_all(runtime, instance_id, po_number)
    invoice_id = send_invoice(runtime, po_number, [goods(20)])
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, invoice_id, "authorised")
    wait_listening(runtime, instance_id)
    credit = receive_invoice(
        runtime,
        ubl_invoice(number="CN-1", po_number=po_number, lines=[goods(2)], credit_note=True),
        "cn.xml",
        actor="mailroom",
    )["invoice"]["invoice_id"]
    assert wait_invoice_status(runtime, credit, "credited")["document_type"] == "credit_note"
    assert [p["invoice_id"] for p in payables_stores(runtime).payables.payments()] == [invoice_id]

    exported = export_authorised_payments(runtime, DEBTOR, actor="paul")
    assert exported["credit_notes_offset"] == [credit]
    assert exported["total"] == "31416.00"  # 34,986.00 less the credit note's 3,570.00
    assert b"less credit CN-1" in exported["document"]
    stores = payables_stores(runtime).payables
    assert stores.get_invoice(credit)["status"] == "offset"
    assert stores.payments()[0]["amount"]["amount"] == "31416.00"


def test_a_contract_in_a_currency_without_fx_rate_goes_to_the_cfo(runtime: Services) -> None:
    add_people(runtime)
    facts = SampleContract(
        value="GBP 48,000.00",
        items=(SampleItem("CM-200", "Conveyor module CM-200", "20", "GBP 1,800.00"),),
    )
    signed = sign_contract_file(runtime, sample_contract_docx(facts), "gbp.docx", actor="lea")
    [instance_id] = signed["event"]["started"]
    pending = poll(
        "the PO approval",
        lambda: [
            a for a in runtime.approvals.inbox(status="pending") if a["instance_id"] == instance_id
        ],
    )[0]
    assert pending["role"] == "cfo"
    assert "no GBP→EUR rate" in pending["reasoning"]
    assert pending["action"]["amount"] == {"amount": "48000.00", "currency": "GBP"}
    assert approve(runtime, instance_id, "purchase_order")["status"] == "approved"
    wait_listening(runtime, instance_id)
    order = payables_stores(runtime).orders.get(
        signed["contract"]["contract_id"].replace("ct-", "") and "PO-C-2026-0042"
    )
    assert order.po.currency == "GBP" and order.po.total == Decimal("48000.00")


def test_receipts_and_milestones_sent_as_events_are_recorded(runtime: Services) -> None:
    from procureflow.runtime.dispatch import EventDispatcher

    _, instance_id, po_number = start_with_approved_po(runtime)
    dispatcher = EventDispatcher(runtime)

    def event(event_id: str, type_: str, data: dict[str, object]) -> dict[str, object]:
        return {"specversion": "1.0", "id": event_id, "source": "https://wms.example/dock-3",
                "type": type_, "data": data}  # fmt: skip

    sent = dispatcher.ingest(
        event("e1", "goods.received", {"receipt_id": "WMS-1", "po_number": po_number, "lines": {"1": "20"}}),
        actor="wms",
    )  # fmt: skip
    assert len(sent.started) == 1 and instance_id in sent.delivered
    stores = payables_stores(runtime)
    poll("the receipt", lambda: stores.payables.receipts(po_number))
    dispatcher.ingest(
        event("e2", "milestone.completed", {"po_number": po_number, "milestone_id": "M2"}),
        actor="pm-tool",
    )
    poll(
        "the milestone",
        lambda: [m for m in stores.contracts.milestones(po_number) if m["completed_on"]],
    )
    bad = dispatcher.ingest(
        event("e3", "goods.received", {"receipt_id": "WMS-2", "po_number": po_number, "lines": {"9": "1"}}),
        actor="wms",
    )  # fmt: skip
    assert len(bad.started) == 1
    queued = poll(
        "the unrecorded receipt",
        lambda: exception_queue(runtime).list(reason_code="unrecorded_receipt"),
    )
    assert queued[0]["owner_role"] == "receiving" and "no line 9" in queued[0]["title"]
    assert [r.receipt_id for r in stores.payables.receipts(po_number)] == ["WMS-1"]
    own = record_receipt(
        runtime, receipt_id="GR-2", po_number=po_number, lines={"2": 4},
        received_on=date.today(), actor="warehouse",
    )  # fmt: skip
    assert own["event"]["started"] == []


def test_a_refused_po_ends_the_instance_and_issues_nothing(runtime: Services) -> None:
    from tests.e2e.contract_to_pay_support import sign_sample
    from tests.integration.runtime.helpers import wait_for

    add_people(runtime)
    contract, instance_id = sign_sample(runtime)
    assert approve(runtime, instance_id, "purchase_order", approve=False)["status"] == "rejected"
    done = wait_for(runtime, instance_id, "completed", "faulted")
    assert done["status"] == "completed", done["error"]
    assert done["output"]["outcome"] == "po_rejected"
    stores = payables_stores(runtime)
    assert stores.contracts.get(contract["contract_id"])["status"] == "po_rejected"
    assert stores.orders.find("PO-C-2026-0042") is None


def test_an_invoice_sent_before_the_po_is_approved_waits_for_it(runtime: Services) -> None:
    from tests.e2e.contract_to_pay_support import sign_sample

    add_people(runtime)
    _, instance_id = sign_sample(runtime)
    early = send_invoice(runtime, "PO-C-2026-0042", [goods(20)], number="EARLY-1")
    assert payables_stores(runtime).payables.get_invoice(early)["status"] == "received"
    assert exception_queue(runtime).list(subject_type="invoice", subject_id=early) == []
    approve(runtime, instance_id, "purchase_order")
    picked = wait_exception(runtime, early)
    assert picked["reason_code"] == "missing_receipt"


def test_a_payment_hold_keeps_the_supplier_out_of_the_bank_file_until_released(
    runtime: Services,
) -> None:
    import pytest

    from procureflow.errors import Conflict
    from procureflow.runtime.monitors import payment_holds

    contract, instance_id, po_number = start_with_approved_po(runtime)
    _receive_all(runtime, instance_id, po_number)
    invoice_id = send_invoice(runtime, po_number, [goods(20)])
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, invoice_id, "authorised")
    holds = payment_holds(runtime)
    holds.place(
        contract["supplier_id"], "certificate.expired", {"certificate": "ISO 9001"}, by="monitor"
    )
    with pytest.raises(Conflict, match="on hold: PAY-.* \\(certificate.expired\\)"):
        export_authorised_payments(runtime, DEBTOR, actor="paul")
    assert payables_stores(runtime).payables.payments()[0]["status"] == "authorised"
    holds.release(contract["supplier_id"], "certificate.expired", by="lea")
    exported = export_authorised_payments(runtime, DEBTOR, actor="paul")
    assert exported["held"] == {} and len(exported["payments"]) == 1
