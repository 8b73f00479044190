"""2-way and 3-way invoice matching, line by line, with per-category tolerances.

2-way compares the invoice with the purchase order (price, quantity ordered); 3-way
also with the goods received. Prices compared are those actually charged per unit,
line allowances and charges included. Lines billed by milestone need their milestone completed
instead of a receipt. A credit note, or a negative line on an invoice (a return),
reduces what was invoiced and may not credit more than that. Every deviation becomes a :class:`Finding` with a reason code, the numbers
behind it and the role that resolves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from difflib import SequenceMatcher
from enum import StrEnum

from procureflow.domain.invoice import Invoice, InvoiceLine
from procureflow.domain.invoice_duplicates import (
    DuplicatePolicy,
    InvoiceFingerprint,
    find_duplicates,
)
from procureflow.domain.matching_outcomes import Finding, LineMatch, MatchResult, Outcome
from procureflow.domain.matching_rules import MatchingTolerances, Tolerance
from procureflow.domain.purchase_order import (
    GoodsReceipt,
    PurchaseOrder,
    PurchaseOrderLine,
    line_key,
    received_quantities,
)

ZERO = Decimal(0)
DESCRIPTION_SIMILARITY = 0.85


class MatchMode(StrEnum):
    """Invoice against PO only, or against PO and goods receipts."""

    TWO_WAY = "2-way"
    THREE_WAY = "3-way"


def _normalised_text(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.upper()).split())


def pair_line(line: InvoiceLine, po: PurchaseOrder) -> tuple[PurchaseOrderLine | None, str | None]:
    """The PO line an invoice line bills, and how it was found.

    By the PO line reference on the invoice line first, else by the supplier's item
    number (SKU), else by a (nearly) identical description.
    """
    if line.po_line_ref:
        found = po.line(line.po_line_ref)
        if found is not None:
            return found, "po_line_ref"
    if line.sku:
        sku = line.sku.strip().upper()
        for candidate in po.lines:
            if candidate.sku and candidate.sku.strip().upper() == sku:
                return candidate, "sku"
    wanted = _normalised_text(line.description)
    if wanted:
        best: tuple[float, PurchaseOrderLine | None] = (0.0, None)
        for candidate in po.lines:
            score = SequenceMatcher(None, wanted, _normalised_text(candidate.description)).ratio()
            if score > best[0]:
                best = (score, candidate)
        if best[1] is not None and best[0] >= DESCRIPTION_SIMILARITY:
            return best[1], "description"
    return None, None


def _fmt(value: Decimal) -> str:
    return str(value.normalize()) if value == value.to_integral_value() else str(value)


class _LineMatcher:
    """Checks the lines of one invoice, carrying cumulative quantities across lines."""

    def __init__(
        self,
        invoice: Invoice,
        po: PurchaseOrder,
        receipts: Sequence[GoodsReceipt],
        tolerances: MatchingTolerances,
        mode: MatchMode,
        previously_invoiced: Mapping[str, Decimal],
    ) -> None:
        self.invoice = invoice
        self.po = po
        self.tolerances = tolerances
        self.mode = mode
        self.received = received_quantities(receipts, po.po_number)
        self.invoiced = {line_key(k): v for k, v in previously_invoiced.items()}
        self.milestone_billed: dict[str, Decimal] = {}
        self.compare_prices = invoice.currency == po.currency

    def match(self, line: InvoiceLine) -> LineMatch:
        po_line, matched_by = pair_line(line, self.po)
        if po_line is None:
            ref = f" (quotes PO line {line.po_line_ref!r})" if line.po_line_ref else ""
            finding = Finding(
                Outcome.MISSING_PO_LINE,
                f"invoice line {line.line_id} {line.description!r}{ref} matches no line of PO {self.po.po_number}",
                {
                    "invoice_quantity": str(line.quantity),
                    "invoice_unit_price": str(line.unit_price),
                },
                line.line_id,
            )
            return LineMatch(line.line_id, None, None, (finding,))
        if self.invoice.is_credit_note or line.quantity < 0:
            findings = self._credit(line, po_line)
        else:
            findings = self._invoice(line, po_line)
        return LineMatch(line.line_id, po_line.line_id, matched_by, tuple(findings))

    def _credit(self, line: InvoiceLine, po_line: PurchaseOrderLine) -> list[Finding]:
        key = line_key(po_line.line_id)
        invoiced = self.invoiced.get(key, ZERO)
        credited = abs(line.quantity)
        self.invoiced[key] = invoiced - credited
        if credited > invoiced:
            return [
                Finding(
                    Outcome.CREDIT_EXCEEDS_INVOICED,
                    f"credit of {_fmt(credited)} on PO line {po_line.line_id} exceeds the "
                    f"{_fmt(invoiced)} invoiced so far",
                    {"credited": str(credited), "invoiced": str(invoiced)},
                    line.line_id,
                )
            ]
        return []

    def _invoice(self, line: InvoiceLine, po_line: PurchaseOrderLine) -> list[Finding]:
        tolerance = self.tolerances.for_category(po_line.category or line.category)
        key = line_key(po_line.line_id)
        cumulative = self.invoiced.get(key, ZERO) + line.quantity
        self.invoiced[key] = cumulative
        findings: list[Finding] = []

        if self.compare_prices:
            actual_price = line.effective_unit_price
            price = tolerance.price.check(po_line.unit_price, actual_price, weight=line.quantity)
            if not price.within:
                over = price.direction == "over"
                findings.append(
                    Finding(
                        Outcome.PRICE_OVER_TOLERANCE if over else Outcome.PRICE_UNDER_TOLERANCE,
                        f"unit price {actual_price} is {'above' if over else 'below'} the PO "
                        f"price {po_line.unit_price} beyond tolerance",
                        price.figures(),
                        line.line_id,
                    )
                )

        ordered = tolerance.quantity.check(po_line.quantity, cumulative)
        if not ordered.within:
            over = ordered.direction == "over"
            findings.append(
                Finding(
                    Outcome.QUANTITY_OVER_ORDERED if over else Outcome.QUANTITY_UNDER_ORDERED,
                    f"{_fmt(cumulative)} invoiced in total against {_fmt(po_line.quantity)} ordered "
                    f"on PO line {po_line.line_id}",
                    ordered.figures(),
                    line.line_id,
                )
            )

        if po_line.milestone_id is not None:
            findings.extend(self._milestone(line, po_line))
        elif self.mode is MatchMode.THREE_WAY and po_line.requires_receipt:
            findings.extend(self._receipt(line, po_line, cumulative, tolerance.quantity))
        return findings

    def _receipt(
        self,
        line: InvoiceLine,
        po_line: PurchaseOrderLine,
        cumulative: Decimal,
        tolerance: Tolerance,
    ) -> list[Finding]:
        received = self.received.get(line_key(po_line.line_id), ZERO)
        if received <= 0:
            return [
                Finding(
                    Outcome.MISSING_RECEIPT,
                    f"nothing received yet on PO line {po_line.line_id}",
                    {"invoiced": str(cumulative), "received": str(received)},
                    line.line_id,
                )
            ]
        check = tolerance.check(received, cumulative)
        if check.within:
            return []
        over = check.direction == "over"
        return [
            Finding(
                Outcome.QUANTITY_OVER_RECEIVED if over else Outcome.QUANTITY_UNDER_RECEIVED,
                f"{_fmt(cumulative)} invoiced in total against {_fmt(received)} received on PO "
                f"line {po_line.line_id}",
                check.figures(),
                line.line_id,
            )
        ]

    def _milestone(self, line: InvoiceLine, po_line: PurchaseOrderLine) -> list[Finding]:
        milestone_id = po_line.milestone_id or ""
        milestone = self.po.milestone(milestone_id)
        if milestone is None or not milestone.completed:
            return [
                Finding(
                    Outcome.MILESTONE_NOT_COMPLETED,
                    f"milestone {milestone.name if milestone else milestone_id!r} is not recorded "
                    "as completed",
                    {"milestone_id": milestone_id},
                    line.line_id,
                )
            ]
        billed = self.milestone_billed.get(milestone_id, ZERO) + line.line_total
        self.milestone_billed[milestone_id] = billed
        check = self.tolerances.for_category(po_line.category).price.check(milestone.amount, billed)
        if check.within or check.direction != "over":
            return []
        return [
            Finding(
                Outcome.MILESTONE_AMOUNT_EXCEEDED,
                f"{billed} billed for milestone {milestone.name!r} worth {milestone.amount}",
                check.figures(),
                line.line_id,
            )
        ]


def _charges_finding(
    invoice: Invoice, po: PurchaseOrder, tolerances: MatchingTolerances
) -> Finding | None:
    if invoice.is_credit_note or invoice.currency != po.currency:
        return None
    net_charges = invoice.totals.charge_total - invoice.totals.allowance_total
    check = tolerances.charges.check(po.agreed_charges, net_charges)
    if check.within or check.direction != "over":
        return None
    return Finding(
        Outcome.UNPLANNED_CHARGES,
        f"document-level charges of {net_charges} {invoice.currency} (net of allowances) "
        f"exceed the {po.agreed_charges} agreed on PO {po.po_number}",
        check.figures(),
    )


def _header_findings(
    invoice: Invoice, po: PurchaseOrder, tolerances: MatchingTolerances
) -> list[Finding]:
    findings: list[Finding] = []
    charges = _charges_finding(invoice, po, tolerances)
    if charges is not None:
        findings.append(charges)
    if invoice.currency != po.currency:
        findings.append(
            Finding(
                Outcome.CURRENCY_MISMATCH,
                f"invoice is in {invoice.currency} but PO {po.po_number} is in {po.currency}",
                {"invoice_currency": invoice.currency, "po_currency": po.currency},
            )
        )
    if po.supplier_tax_id:
        expected = "".join(ch for ch in po.supplier_tax_id.upper() if ch.isalnum())
        if expected != invoice.supplier.key:
            findings.append(
                Finding(
                    Outcome.SUPPLIER_MISMATCH,
                    f"invoice is from {invoice.supplier.name} ({invoice.supplier.key}) but PO "
                    f"{po.po_number} is with {po.supplier_tax_id}",
                    {"invoice_supplier": invoice.supplier.key, "po_supplier": expected},
                )
            )
    return findings


def match_invoice(
    invoice: Invoice,
    po: PurchaseOrder | None,
    receipts: Sequence[GoodsReceipt] = (),
    *,
    tolerances: MatchingTolerances | None = None,
    mode: MatchMode = MatchMode.THREE_WAY,
    previously_invoiced: Mapping[str, Decimal] | None = None,
    earlier_invoices: Iterable[InvoiceFingerprint] = (),
    duplicate_policy: DuplicatePolicy | None = None,
    invoice_id: str | None = None,
) -> MatchResult:
    """Match ``invoice`` against ``po`` (and ``receipts`` for 3-way) and earlier invoices.

    ``previously_invoiced`` maps PO line ids to the quantity already invoiced (net of
    credit notes) before this document, so partial invoices add up across documents.
    """
    tolerances = tolerances or MatchingTolerances()
    fingerprint = InvoiceFingerprint.of(invoice, invoice_id=invoice_id)
    header = find_duplicates(fingerprint, earlier_invoices, duplicate_policy)
    if po is None:
        quoted = (
            f"PO {invoice.order_reference!r} is unknown"
            if invoice.order_reference
            else "invoice quotes no purchase order"
        )
        header.insert(
            0,
            Finding(Outcome.MISSING_PO, quoted, {"order_reference": invoice.order_reference or ""}),
        )
        return MatchResult(invoice.number, invoice.order_reference, mode.value, (), tuple(header))
    header[:0] = _header_findings(invoice, po, tolerances)
    matcher = _LineMatcher(invoice, po, receipts, tolerances, mode, previously_invoiced or {})
    lines = tuple(matcher.match(line) for line in invoice.lines)
    return MatchResult(invoice.number, po.po_number, mode.value, lines, tuple(header))


__all__ = ["MatchMode", "match_invoice", "pair_line"]
