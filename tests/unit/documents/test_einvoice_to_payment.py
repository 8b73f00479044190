"""From a received UBL invoice to a bank file: parse, match 3-way, schedule, export pain.001."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from lxml import etree

from procureflow.documents.einvoice import parse_einvoice
from procureflow.documents.pain001 import (
    Debtor,
    export_pain001,
    pain001_schema_path,
    transfer_for_plan,
)
from procureflow.domain.matching import match_invoice
from procureflow.domain.matching_outcomes import MatchDecision, Outcome
from procureflow.domain.payment_schedule import schedule_payment
from procureflow.domain.purchase_order import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
)

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def test_matching_sample_invoice_is_scheduled_for_its_discount_and_exported(
    sample_data: Path,
) -> None:
    path = sample_data / "einvoice" / "en16931-ubl" / "ubl-tc434-example2.xml"
    invoice = parse_einvoice(path.read_bytes(), path.name)
    # The buyer's PO: the laptops, the books and the cable (by the seller's item number),
    # plus the two items ordered, delivered and invoiced earlier that now come back.
    po = PurchaseOrder(
        po_number=invoice.order_reference or "",
        supplier_id="SUP-NO-1",
        currency=invoice.currency,
        supplier_tax_id=invoice.supplier.vat_id,
        lines=(
            PurchaseOrderLine("1", "Laptop computer", Decimal(2), Decimal("640.00")),
            PurchaseOrderLine("2", "IBM 5150 desktop", Decimal(1), Decimal("25.00")),
            PurchaseOrderLine("3", "Computing for dummies", Decimal(2), Decimal("2.48")),
            PurchaseOrderLine("5", "Advanced computing", Decimal(1), Decimal("3.96")),
            PurchaseOrderLine("9", "Network cable", Decimal(250), Decimal("0.75"), sku="JB011"),
        ),
    )
    receipts = [
        GoodsReceipt(
            "GR-1",
            po.po_number,
            date(2013, 6, 28),
            tuple(GoodsReceiptLine(k, q) for k, q in (("1", 2), ("3", 2), ("9", 250))),
        )
    ]
    earlier = {"2": Decimal(1), "5": Decimal(1)}
    result = match_invoice(invoice, po, receipts, previously_invoiced=earlier)
    assert result.decision is MatchDecision.APPROVE, result.to_json()
    assert [line.matched_by for line in result.lines] == ["po_line_ref"] * 4 + ["sku"]
    # The laptop line carries an allowance: 1273.00 for 2 is 636.50 each, under the PO's 640.
    assert invoice.lines[0].effective_unit_price == Decimal("636.50")

    # "2 % discount if paid within 2 days", due 20 days after issue: worth 2/0.98*365/18 = 41 %.
    plan = schedule_payment(invoice, None, cost_of_capital=Decimal("0.08"), today=date(2013, 6, 30))
    assert plan.takes_discount
    assert plan.pay_on == date(2013, 7, 2)
    assert plan.discount.amount == (invoice.totals.payable * Decimal("0.02")).quantize(
        Decimal("0.01")
    )

    # Non-euro (NOK) payments leave out the SEPA service level but still validate.
    transfer = transfer_for_plan(plan, payment_id="PAY-TOSL108", iban="NO9386011117947")
    document = export_pain001(Debtor("Buyer AS", "NO9386011117947"), [transfer])
    root = etree.fromstring(document)
    assert etree.XMLSchema(etree.parse(str(pain001_schema_path()))).validate(root)
    assert root.xpath("//p:InstdAmt/text()", namespaces=NS) == [str(plan.amount.amount)]
    assert invoice.number in root.xpath("//p:Ustrd/text()", namespaces=NS)[0]


def test_expensive_capital_defers_the_same_invoice_to_its_due_date(sample_data: Path) -> None:
    path = sample_data / "einvoice" / "en16931-ubl" / "ubl-tc434-example2.xml"
    invoice = parse_einvoice(path.read_bytes(), path.name)
    plan = schedule_payment(invoice, None, cost_of_capital=Decimal("0.50"), today=date(2013, 6, 30))
    assert not plan.takes_discount
    assert plan.pay_on == date(2013, 7, 19)  # 20 July 2013 was a Saturday
    assert plan.amount == invoice.amount_payable
    no_terms = replace(invoice, payment_terms_text=None)
    assert schedule_payment(
        no_terms, None, cost_of_capital=Decimal("0.08"), today=date(2013, 6, 30)
    ).pay_on == date(2013, 7, 19)


def test_the_same_invoice_without_the_earlier_deliveries_cannot_credit_them(
    sample_data: Path,
) -> None:
    path = sample_data / "einvoice" / "en16931-ubl" / "ubl-tc434-example2.xml"
    invoice = parse_einvoice(path.read_bytes(), path.name)
    po = PurchaseOrder(
        po_number="123",
        supplier_id="SUP-NO-1",
        currency="NOK",
        lines=(
            PurchaseOrderLine("1", "Laptop computer", Decimal(2), Decimal("600.00")),
            PurchaseOrderLine("2", "IBM 5150 desktop", Decimal(1), Decimal("25.00")),
            PurchaseOrderLine("3", "Computing for dummies", Decimal(2), Decimal("2.48")),
            PurchaseOrderLine("5", "Advanced computing", Decimal(1), Decimal("3.96")),
        ),
    )
    result = match_invoice(invoice, po, [])
    outcomes = [line.outcome for line in result.lines]
    assert outcomes == [
        Outcome.PRICE_OVER_TOLERANCE,  # 636.50 against 600.00 is 6 % over
        Outcome.CREDIT_EXCEEDS_INVOICED,
        Outcome.MISSING_RECEIPT,
        Outcome.CREDIT_EXCEEDS_INVOICED,
        Outcome.MISSING_PO_LINE,
    ]
    assert result.decision is MatchDecision.REVIEW
