"""Contract to pay, the invoices that do not match: each lands in the exception queue
with its reason code and owner role, and resolving it resumes the waiting instance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from procureflow.errors import InvalidInput
from procureflow.runtime.exception_functions import resolve
from procureflow.runtime.payables_intake import record_receipt
from procureflow.runtime.payables_settlement import matching_tolerances
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services
from tests.e2e.contract_to_pay_support import (
    approve,
    goods,
    send_invoice,
    start_with_approved_po,
    then_listening_again,
    wait_exception,
    wait_invoice_status,
    wait_listening,
)


def _receive(svc: Services, po_number: str, quantity: int, instance_id: str | None = None) -> None:
    """Record goods received; with ``instance_id`` wait until the listening instance
    has seen it and listens again."""

    def receive() -> None:
        record_receipt(
            svc,
            receipt_id="GR-1",
            po_number=po_number,
            lines={"1": quantity},
            received_on=date.today(),
            actor="warehouse",
        )

    if instance_id is None:
        receive()
    else:
        then_listening_again(svc, instance_id, receive)


def test_a_price_over_tolerance_goes_to_the_buyer_and_a_rejection_closes_it(
    runtime: Services,
) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive(runtime, po_number, 20, instance_id)
    invoice_id = send_invoice(runtime, po_number, [goods(20, Decimal("1600.00"))])
    exception = wait_exception(runtime, invoice_id)
    assert (exception["reason_code"], exception["owner_role"]) == ("price_over_tolerance", "buyer")
    assert "1600" in exception["title"] and exception["status"] == "open"
    assert runtime.instances.instance(instance_id)["status"] == "waiting"
    assert payables_stores(runtime).payables.payments() == []

    resolve(runtime, exception["id"], user="rita", resolution={"action": "reject"})
    assert wait_invoice_status(runtime, invoice_id, "rejected")["status"] == "rejected"
    wait_listening(runtime, instance_id)
    assert payables_stores(runtime).payables.payments() == []


def test_more_invoiced_than_received_goes_to_receiving(runtime: Services) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive(runtime, po_number, 12, instance_id)
    invoice_id = send_invoice(runtime, po_number, [goods(20)])
    exception = wait_exception(runtime, invoice_id)
    assert (exception["reason_code"], exception["owner_role"]) == (
        "quantity_over_received",
        "receiving",
    )
    assert exception["detail"]["reason_codes"] == ["quantity_over_received"]


def test_a_missing_receipt_waits_until_the_goods_arrive_and_a_rematch_pays(
    runtime: Services,
) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    invoice_id = send_invoice(runtime, po_number, [goods(20)])
    exception = wait_exception(runtime, invoice_id)
    assert (exception["reason_code"], exception["owner_role"]) == ("missing_receipt", "requester")

    _receive(runtime, po_number, 20)
    resolve(runtime, exception["id"], user="rita", resolution={"action": "rematch"})
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, invoice_id, "authorised")
    results = payables_stores(runtime).payables.match_results(invoice_id)
    assert [r["decision"] for r in results] == ["review", "approve"]


def test_a_duplicate_invoice_is_rejected_to_accounts_payable_and_never_paid_twice(
    runtime: Services,
) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive(runtime, po_number, 20, instance_id)
    first = send_invoice(runtime, po_number, [goods(10)], number="NW-0042")
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, first, "authorised")
    wait_listening(runtime, instance_id)

    again = send_invoice(runtime, po_number, [goods(10)], number="nw 42")
    exception = wait_exception(runtime, again)
    assert (exception["reason_code"], exception["owner_role"]) == (
        "duplicate",
        "accounts_payable",
    )
    assert exception["severity"] == "high"
    resolve(runtime, exception["id"], user="paul", resolution={"action": "rematch"})
    assert wait_invoice_status(runtime, again, "rejected")["status"] == "rejected"
    payments = payables_stores(runtime).payables.payments()
    assert [p["invoice_id"] for p in payments] == [first]


def test_a_possible_duplicate_is_reviewed_never_rejected_and_accepting_it_pays(
    runtime: Services,
) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive(runtime, po_number, 20, instance_id)
    first = send_invoice(runtime, po_number, [goods(10)], number="NW-0042")
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, first, "authorised")
    wait_listening(runtime, instance_id)

    second = send_invoice(runtime, po_number, [goods(10)], number="NW-0042-B")
    exception = wait_exception(runtime, second)
    assert (exception["reason_code"], exception["owner_role"]) == (
        "possible_duplicate",
        "accounts_payable",
    )
    assert exception["severity"] == "medium"
    assert payables_stores(runtime).payables.get_invoice(second)["status"] == "exception"
    resolve(runtime, exception["id"], user="paul", resolution={"action": "accept"})
    approve(runtime, instance_id, "payment")
    wait_invoice_status(runtime, second, "authorised")
    paid = {p["invoice_id"] for p in payables_stores(runtime).payables.payments()}
    assert paid == {first, second}


def test_tolerances_come_from_the_configured_file(runtime: Services, tmp_path: Path) -> None:
    """The same price deviation matches once the accounts-payable team widens the tolerance."""
    path = tmp_path / "tolerances.yaml"
    path.write_text("default:\n  price: {pct: '50'}\n  quantity: {pct: '0'}\n", encoding="utf-8")
    runtime.settings = runtime.settings.model_copy(update={"matching_tolerances_file": path})
    runtime.extras.pop("matching_tolerances", None)
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive(runtime, po_number, 20, instance_id)
    invoice_id = send_invoice(runtime, po_number, [goods(20, Decimal("1600.00"))])
    matched = wait_invoice_status(runtime, invoice_id, "matched", "authorised", "exception")
    assert matched["status"] in ("matched", "authorised")


def test_an_unreadable_tolerance_file_is_named(runtime: Services, tmp_path: Path) -> None:
    path = tmp_path / "tolerances.yaml"
    path.write_text("default:\n  price: {percent: '5'}\n", encoding="utf-8")
    runtime.settings = runtime.settings.model_copy(update={"matching_tolerances_file": path})
    runtime.extras.pop("matching_tolerances", None)
    with pytest.raises(InvalidInput, match="unknown tolerance keys"):
        matching_tolerances(runtime)
