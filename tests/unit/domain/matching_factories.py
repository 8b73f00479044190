"""Builders for invoices, purchase orders and receipts used by the matching tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from procureflow.domain.invoice import DocumentType, Invoice, InvoiceLine, InvoiceTotals, Party
from procureflow.domain.purchase_order import (
    GoodsReceipt,
    GoodsReceiptLine,
    Milestone,
    PurchaseOrder,
    PurchaseOrderLine,
)

SUPPLIER = Party(name="Acme Tools BV", vat_id="NL123456789B01", iban="NL91ABNA0417164300")
BUYER = Party(name="ProcureFlow Demo Ltd")


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def po(
    *lines: PurchaseOrderLine, milestones: tuple[Milestone, ...] = (), **kw: object
) -> PurchaseOrder:
    return PurchaseOrder(
        po_number=str(kw.pop("po_number", "PO-1001")),
        supplier_id="SUP-1",
        currency=str(kw.pop("currency", "EUR")),
        lines=lines,
        milestones=milestones,
        supplier_tax_id=kw.pop("supplier_tax_id", None),  # type: ignore[arg-type]
    )


def po_line(line_id: str, qty: str | int, price: str, **kw: object) -> PurchaseOrderLine:
    return PurchaseOrderLine(
        line_id=line_id,
        description=str(kw.pop("description", f"Item {line_id}")),
        quantity=D(qty),
        unit_price=D(price),
        **kw,  # type: ignore[arg-type]
    )


def inv_line(line_id: str, qty: str | int, price: str, **kw: object) -> InvoiceLine:
    return InvoiceLine(
        line_id=line_id,
        description=str(kw.pop("description", f"Item {kw.get('po_line_ref', line_id)}")),
        quantity=D(qty),
        unit_price=D(price),
        line_total=D(qty) * D(price),
        **kw,  # type: ignore[arg-type]
    )


def invoice(
    *lines: InvoiceLine,
    number: str = "INV-0001",
    currency: str = "EUR",
    issued: date = date(2026, 3, 2),
    credit: bool = False,
    supplier: Party = SUPPLIER,
    sha256: str | None = None,
) -> Invoice:
    net = sum((line.line_total for line in lines), Decimal(0))
    tax = (net * Decimal("0.21")).quantize(Decimal("0.01"))
    return Invoice(
        number=number,
        document_type=DocumentType.CREDIT_NOTE if credit else DocumentType.INVOICE,
        issue_date=issued,
        currency=currency,
        supplier=supplier,
        buyer=BUYER,
        lines=lines,
        totals=InvoiceTotals(
            line_total=net,
            tax_exclusive=net,
            tax_total=tax,
            tax_inclusive=net + tax,
            payable=net + tax,
        ),
        order_reference="PO-1001",
        source_sha256=sha256,
    )


def receipt(*pairs: tuple[str, str | int], receipt_id: str = "GR-1") -> GoodsReceipt:
    return GoodsReceipt(
        receipt_id=receipt_id,
        po_number="PO-1001",
        received_on=date(2026, 3, 1),
        lines=tuple(GoodsReceiptLine(po_line_id=k, quantity=D(q)) for k, q in pairs),
    )
