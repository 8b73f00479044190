"""Purchase orders, goods receipts and billing milestones as plain values for matching.

These carry exactly what invoice matching needs: what was ordered at which price, what
arrived, and which milestones the buyer has accepted as completed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from procureflow.domain.currency_codes import require_iso_currency
from procureflow.errors import InvalidInput

ZERO = Decimal(0)


@dataclass(frozen=True)
class Milestone:
    """A billable milestone of a contract: invoiceable once the buyer records it completed."""

    milestone_id: str
    name: str
    amount: Decimal
    due_date: date | None = None
    completed_on: date | None = None

    @property
    def completed(self) -> bool:
        """True once the buyer has recorded the milestone as completed."""
        return self.completed_on is not None


@dataclass(frozen=True)
class PurchaseOrderLine:
    """One ordered item. ``category`` selects the matching tolerances.

    ``milestone_id`` marks a line billed by milestone (paid when the milestone is
    completed, not when goods arrive); ``requires_receipt`` False marks a line matched
    2-way (e.g. a service with no goods receipt).
    """

    line_id: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    sku: str | None = None
    unit_code: str | None = None
    category: str | None = None
    milestone_id: str | None = None
    requires_receipt: bool = True

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise InvalidInput(f"PO line {self.line_id}: ordered quantity cannot be negative")
        if self.unit_price < 0:
            raise InvalidInput(f"PO line {self.line_id}: unit price cannot be negative")

    @property
    def amount(self) -> Decimal:
        """Ordered quantity times unit price."""
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class PurchaseOrder:
    """An approved purchase order: supplier, currency, lines and any billing milestones.

    ``agreed_charges`` is the document-level charge (freight, handling) the supplier may
    add to its invoices for this order, net of allowances.
    """

    po_number: str
    supplier_id: str
    currency: str
    lines: tuple[PurchaseOrderLine, ...]
    issue_date: date | None = None
    payment_terms: str | None = None
    supplier_tax_id: str | None = None
    milestones: tuple[Milestone, ...] = field(default_factory=tuple)
    agreed_charges: Decimal = ZERO

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "currency", require_iso_currency(self.currency, field="PO currency")
        )
        ids = [line.line_id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise InvalidInput(f"PO {self.po_number} repeats a line id")

    def line(self, line_id: str) -> PurchaseOrderLine | None:
        """The line with ``line_id`` (compared without surrounding blanks or leading zeros)."""
        wanted = line_key(line_id)
        for line in self.lines:
            if line_key(line.line_id) == wanted:
                return line
        return None

    def milestone(self, milestone_id: str) -> Milestone | None:
        """The milestone with ``milestone_id``, or None."""
        for milestone in self.milestones:
            if milestone.milestone_id == milestone_id:
                return milestone
        return None

    @property
    def total(self) -> Decimal:
        """The net value of all lines."""
        return sum((line.amount for line in self.lines), ZERO)


def line_key(line_id: str) -> str:
    """The comparable form of a PO line id: upper case, no blanks, no leading zeros."""
    stripped = line_id.strip().upper()
    return stripped.lstrip("0") or stripped


@dataclass(frozen=True)
class GoodsReceiptLine:
    """Quantity accepted into stock for one PO line; negative for a return to the supplier."""

    po_line_id: str
    quantity: Decimal


@dataclass(frozen=True)
class GoodsReceipt:
    """A delivery recorded against a purchase order."""

    receipt_id: str
    po_number: str
    received_on: date
    lines: tuple[GoodsReceiptLine, ...]


def received_quantities(
    receipts: Iterable[GoodsReceipt], po_number: str | None = None
) -> dict[str, Decimal]:
    """Net quantity received per PO line id (leading zeros ignored), optionally for one PO only."""
    totals: dict[str, Decimal] = {}
    for receipt in receipts:
        if po_number is not None and receipt.po_number != po_number:
            continue
        for line in receipt.lines:
            key = line_key(line.po_line_id)
            totals[key] = totals.get(key, ZERO) + line.quantity
    return totals


__all__ = [
    "GoodsReceipt",
    "GoodsReceiptLine",
    "Milestone",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "line_key",
    "received_quantities",
]
