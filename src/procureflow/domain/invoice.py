"""Invoices and credit notes as accounts payable sees them, whatever syntax they came in.

An :class:`Invoice` keeps the totals the supplier *stated* (EN 16931 BT-106..BT-115)
next to its lines, so that matching and payment use the amounts on the document and
:meth:`Invoice.arithmetic_problems` can say when the document contradicts itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from procureflow.domain.currency_codes import require_iso_currency
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput

ZERO = Decimal(0)
# EN 16931 allows each stated total to differ from the sum of its parts by rounding only.
ARITHMETIC_SLACK = Decimal("0.01")


class DocumentType(StrEnum):
    """Invoice (UNTDID 1001 code 380 and friends) or credit note (381 and friends)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


CREDIT_NOTE_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "532"})


def document_type_for_code(type_code: str | None) -> DocumentType:
    """The document type an UNTDID 1001 code stands for; unknown or empty means invoice."""
    if type_code and type_code.strip() in CREDIT_NOTE_TYPE_CODES:
        return DocumentType.CREDIT_NOTE
    return DocumentType.INVOICE


@dataclass(frozen=True)
class Party:
    """A seller or buyer as named on the document."""

    name: str
    identifier: str | None = None
    vat_id: str | None = None
    legal_id: str | None = None
    country: str | None = None
    iban: str | None = None
    bic: str | None = None

    @property
    def key(self) -> str:
        """The most stable identifier available: VAT id, then legal id, then party id, then name."""
        for candidate in (self.vat_id, self.legal_id, self.identifier):
            if candidate:
                return "".join(ch for ch in candidate.upper() if ch.isalnum())
        return " ".join(self.name.upper().split())


@dataclass(frozen=True)
class InvoiceLine:
    """One invoiced item: quantity times net unit price gives (about) the net line total."""

    line_id: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    unit_code: str | None = None
    sku: str | None = None
    po_line_ref: str | None = None
    tax_category: str | None = None
    tax_rate: Decimal | None = None
    category: str | None = None
    note: str | None = None

    @property
    def effective_unit_price(self) -> Decimal:
        """The price per unit actually charged, line allowances and charges included.

        The stated net price, unless the line amount departs from quantity times price by
        more than rounding (a line allowance or charge): then line amount / quantity.
        """
        if (
            self.quantity
            and abs(self.line_total - self.quantity * self.unit_price) > ARITHMETIC_SLACK
        ):
            return self.line_total / self.quantity
        return self.unit_price


@dataclass(frozen=True)
class InvoiceTotals:
    """The document-level totals the supplier stated (EN 16931 BG-22).

    ``line_total`` and ``prepaid`` are None when the document does not state them (the
    Factur-X MINIMUM profile carries neither).
    """

    line_total: Decimal | None
    tax_exclusive: Decimal
    tax_total: Decimal
    tax_inclusive: Decimal
    payable: Decimal
    allowance_total: Decimal = ZERO
    charge_total: Decimal = ZERO
    prepaid: Decimal | None = None
    rounding: Decimal = ZERO


@dataclass(frozen=True)
class Invoice:
    """An invoice or credit note, its parties, lines, stated totals and where it came from."""

    number: str
    document_type: DocumentType
    issue_date: date
    currency: str
    supplier: Party
    buyer: Party
    lines: tuple[InvoiceLine, ...]
    totals: InvoiceTotals
    due_date: date | None = None
    order_reference: str | None = None
    buyer_reference: str | None = None
    payment_terms_text: str | None = None
    syntax: str = "unknown"
    source_sha256: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise InvalidInput("invoice number is empty")
        object.__setattr__(
            self, "currency", require_iso_currency(self.currency, field="invoice currency")
        )

    @property
    def is_credit_note(self) -> bool:
        """True for a credit note, whose amounts reduce what is owed."""
        return self.document_type is DocumentType.CREDIT_NOTE

    @property
    def sign(self) -> int:
        """+1 for an invoice, -1 for a credit note: multiply stated amounts to get what is owed."""
        return -1 if self.is_credit_note else 1

    @property
    def amount_payable(self) -> Money:
        """The stated amount due for payment (BT-115), as money in the invoice currency."""
        return Money(self.totals.payable, self.currency)

    @property
    def signed_payable(self) -> Money:
        """The amount owed to the supplier: negative for a credit note."""
        return Money(self.totals.payable * self.sign, self.currency)

    def arithmetic_problems(self) -> list[str]:
        """Where the stated totals contradict the lines or each other (EN 16931 BR-CO-10..16)."""
        problems: list[str] = []
        t = self.totals

        def check(label: str, stated: Decimal, computed: Decimal) -> None:
            if abs(stated - computed) > ARITHMETIC_SLACK:
                problems.append(f"{label} is {stated} but the document adds up to {computed}")

        if t.line_total is not None:
            if self.lines:
                lines_sum = sum((ln.line_total for ln in self.lines), ZERO)
                check("sum of line net amounts", t.line_total, lines_sum)
            computed = t.line_total - t.allowance_total + t.charge_total
            check("total without tax", t.tax_exclusive, computed)
        check("total with tax", t.tax_inclusive, t.tax_exclusive + t.tax_total)
        if t.prepaid is not None or t.payable > t.tax_inclusive + t.rounding:
            check("amount due", t.payable, t.tax_inclusive - (t.prepaid or ZERO) + t.rounding)
        return problems


__all__ = [
    "CREDIT_NOTE_TYPE_CODES",
    "DocumentType",
    "Invoice",
    "InvoiceLine",
    "InvoiceTotals",
    "Party",
    "document_type_for_code",
]
