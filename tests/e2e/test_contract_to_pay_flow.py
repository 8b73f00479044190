"""Contract to pay, end to end: a DOCX contract is signed, the supplier onboarded, the
PO approved, a milestone completed and goods received, a UBL invoice matched, its
payment authorised through the approval matrix and exported as a schema-valid pain.001."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from procureflow.documents.pain001 import Debtor, pain001_schema_path
from procureflow.runtime.payables_export import export_authorised_payments
from procureflow.runtime.payables_intake import complete_milestone, record_receipt
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services
from tests.e2e.contract_to_pay_support import (
    approve,
    goods,
    poll,
    send_invoice,
    start_with_approved_po,
    then_listening_again,
    wait_invoice_status,
)
from tests.factories_payables import Line

DEBTOR = Debtor(name="Hanse Maschinenbau AG", iban="DE02120300000000202051", bic="BYLADEM1001")


def test_a_signed_docx_contract_ends_in_an_exported_payment(runtime: Services) -> None:
    contract, instance_id, po_number = start_with_approved_po(runtime)
    stores = payables_stores(runtime)
    contract_id = contract["contract_id"]

    tasks = {t["task"]: t for t in stores.contracts.tasks(contract_id)}
    assert {name: t["status"] for name, t in tasks.items()} == {
        "bank_details": "done",
        "certificates": "done",
        "screening": "done",
        "tax_id": "done",
    }
    assert tasks["bank_details"]["owner_role"] == "accounts_payable"
    assert tasks["bank_details"]["detail"]["iban"] == "DE89370400440532013000"
    order = stores.orders.get(po_number)
    assert order.status == "open" and order.po.total == Decimal("48000.00")
    assert [m["name"] for m in stores.contracts.milestones(contract_id)] == [
        "Installation on site",
        "Commissioning and acceptance",
    ]
    assert {
        c["certificate"]: c["valid_until"] for c in stores.contracts.certificates(contract_id)
    } == {
        "ISO 14001:2015": "2026-12-31",
        "ISO 9001:2015": "2027-06-30",
    }

    then_listening_again(
        runtime,
        instance_id,
        lambda: record_receipt(
            runtime,
            receipt_id="GR-1",
            po_number=po_number,
            lines={"1": 20, "2": 4},
            received_on=date.today(),
            actor="warehouse",
        ),
    )
    then_listening_again(
        runtime,
        instance_id,
        lambda: complete_milestone(
            runtime, po_or_contract=po_number, milestone_id="M1", on=date.today(), actor="pm"
        ),
    )
    invoice_id = send_invoice(
        runtime,
        po_number,
        [
            goods(20),
            Line("2", "Drive unit DU-10", Decimal(4), Decimal("1500.00")),
            Line("3", "Installation on site", Decimal(1), Decimal("6000.00")),
        ],
    )
    decided = approve(runtime, instance_id, "payment")
    assert decided["status"] == "approved"
    wait_invoice_status(runtime, invoice_id, "authorised")

    match = stores.payables.match_results(invoice_id)
    assert [m["decision"] for m in match] == ["approve"] and match[0]["reason_codes"] == ["matched"]
    payment = poll("the payment", lambda: stores.payables.payments(status="authorised"))[0]
    assert payment["amount"] == {"amount": "48980.40", "currency": "EUR"}  # 49,980 less 2 %
    assert payment["plan"]["takes_discount"] is True
    assert payment["iban"] == "DE89370400440532013000"

    exported = export_authorised_payments(runtime, DEBTOR, actor="paul")
    schema = etree.XMLSchema(etree.parse(str(pain001_schema_path())))
    document = etree.fromstring(exported["document"])
    assert schema.validate(document), schema.error_log
    assert document.findtext(".//{*}CdtTrfTxInf/{*}PmtId/{*}EndToEndId") == payment["payment_id"]
    assert document.findtext(".//{*}CdtTrfTxInf/{*}Amt/{*}InstdAmt") == "48980.40"
    assert stores.payables.get_invoice(invoice_id)["status"] == "exported"
    assert runtime.instances.instance(instance_id)["status"] in ("running", "waiting")
