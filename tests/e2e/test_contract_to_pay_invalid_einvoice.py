"""Contract to pay with an invalid e-invoice: the instance waiting for the PO never
matches it — it is held for accounts payable — and the corrected invoice the supplier
sends under the same number is matched and paid as usual (not taken for a duplicate)."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from procureflow.runtime.payables_intake import receive_invoice
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
)
from tests.e2e.test_contract_to_pay_exceptions import _receive
from tests.factories_payables import ubl_invoice

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def _breaking_br_co_10(po_number: str) -> bytes:
    """The PO's invoice whose sum of line amounts (BT-106) is 100.00 above its lines."""
    root = etree.fromstring(ubl_invoice(number="NW-2026-007", po_number=po_number, lines=[goods()]))
    node = root.find(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}LineExtensionAmount")
    assert node is not None and node.text
    node.text = str(Decimal(node.text) + 100)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_an_invalid_invoice_is_held_never_matched_and_its_correction_is_paid(
    runtime: Services,
) -> None:
    _, instance_id, po_number = start_with_approved_po(runtime)
    _receive(runtime, po_number, 20, instance_id)
    stores = payables_stores(runtime)

    bad = then_listening_again(
        runtime,
        instance_id,
        lambda: receive_invoice(
            runtime, _breaking_br_co_10(po_number), "NW-2026-007.xml", actor="mailroom"
        ),
    )
    bad_id = bad["invoice"]["invoice_id"]
    assert bad["invoice"]["status"] == "held"
    exception = wait_exception(runtime, bad_id)
    assert (exception["reason_code"], exception["owner_role"]) == (
        "invalid_einvoice",
        "accounts_payable",
    )
    assert stores.payables.match_results(bad_id) == []
    assert stores.payables.payments() == []

    good_id = send_invoice(runtime, po_number, [goods()], number="NW-2026-007")
    approve(runtime, instance_id, "payment")
    assert wait_invoice_status(runtime, good_id, "authorised")["status"] == "authorised"
    assert stores.payables.get_invoice(bad_id)["status"] == "held"
    assert stores.payables.match_results(bad_id) == []
