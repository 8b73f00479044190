"""Bulk line matching on columns: the rules of :mod:`procureflow.domain.matching` for millions of lines.

Re-matching a backlog or screening a large import line by line with Decimal objects is
slow; this applies the same price and quantity rules to whole columns with NumPy.
Amounts are scaled integers (a price of 12.3456 at ``price_scale`` 10 000 is 123456)
so every comparison is exact and agrees with the Decimal rules.

Per line, the first failing check wins, in the order of the scalar matcher: price,
quantity against ordered, receipt (missing, then quantity against received). Invoice
lines on the same PO line accumulate in input order on top of what was invoiced before.
Header checks (currency, supplier, duplicates), milestones, credit notes and negative
(return) lines stay with the scalar matcher; unit prices are the prices charged per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from procureflow.domain.matching import MatchMode
from procureflow.domain.matching_outcomes import Outcome
from procureflow.domain.matching_rules import MatchingTolerances, Tolerance
from procureflow.errors import InvalidInput

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int8]

# Outcome code i of the result array is BULK_OUTCOMES[i].
BULK_OUTCOMES: tuple[Outcome, ...] = (
    Outcome.MATCHED,
    Outcome.PRICE_OVER_TOLERANCE,
    Outcome.PRICE_UNDER_TOLERANCE,
    Outcome.QUANTITY_OVER_ORDERED,
    Outcome.QUANTITY_UNDER_ORDERED,
    Outcome.MISSING_RECEIPT,
    Outcome.QUANTITY_OVER_RECEIVED,
    Outcome.QUANTITY_UNDER_RECEIVED,
    Outcome.MISSING_PO_LINE,
)
_CODE = {outcome: np.int8(index) for index, outcome in enumerate(BULK_OUTCOMES)}
PCT_SCALE = 100  # percentages as hundredths of a percent (2.5 % -> 250)
_INT64_SAFE = 2**62


def to_scaled(values: Sequence[Decimal | int | str], scale: int, *, field: str) -> IntArray:
    """Decimals as integers at ``scale``; InvalidInput when a value has more precision."""
    out = np.empty(len(values), dtype=np.int64)
    for index, value in enumerate(values):
        scaled = Decimal(value) * scale
        if scaled != scaled.to_integral_value():
            raise InvalidInput(f"{field}[{index}] = {value} has more precision than 1/{scale}")
        out[index] = int(scaled)
    return out


def _as_int(values: Sequence[int] | npt.NDArray[Any]) -> IntArray:
    return np.ascontiguousarray(values, dtype=np.int64)


@dataclass(frozen=True)
class InvoiceLineColumns:
    """One entry per invoice line: the PO line index (-1 when none), quantity, unit price."""

    po_line: IntArray
    quantity: IntArray
    unit_price: IntArray

    @classmethod
    def of(
        cls,
        po_line: Sequence[int] | npt.NDArray[Any],
        quantity: Sequence[int] | npt.NDArray[Any],
        unit_price: Sequence[int] | npt.NDArray[Any],
    ) -> InvoiceLineColumns:
        """Columns from lists or arrays of scaled integers."""
        columns = cls(_as_int(po_line), _as_int(quantity), _as_int(unit_price))
        if not len(columns.po_line) == len(columns.quantity) == len(columns.unit_price):
            raise InvalidInput("invoice line columns differ in length")
        return columns


@dataclass(frozen=True)
class PoLineColumns:
    """One entry per PO line: price, ordered, received, invoiced before, category, receipt needed."""

    unit_price: IntArray
    ordered: IntArray
    received: IntArray
    invoiced_before: IntArray
    category: IntArray
    requires_receipt: BoolArray

    @classmethod
    def of(
        cls,
        unit_price: Sequence[int] | npt.NDArray[Any],
        ordered: Sequence[int] | npt.NDArray[Any],
        received: Sequence[int] | npt.NDArray[Any],
        invoiced_before: Sequence[int] | npt.NDArray[Any],
        category: Sequence[int] | npt.NDArray[Any],
        requires_receipt: Sequence[bool] | npt.NDArray[Any] | None = None,
    ) -> PoLineColumns:
        """Columns from lists or arrays; every PO line needs a receipt unless told otherwise."""
        prices = _as_int(unit_price)
        needs = (
            np.ones(len(prices), dtype=np.bool_)
            if requires_receipt is None
            else np.ascontiguousarray(requires_receipt, dtype=np.bool_)
        )
        columns = cls(
            prices,
            _as_int(ordered),
            _as_int(received),
            _as_int(invoiced_before),
            _as_int(category),
            needs,
        )
        lengths = {len(getattr(columns, name)) for name in cls.__dataclass_fields__}
        if len(lengths) != 1:
            raise InvalidInput("PO line columns differ in length")
        return columns


@dataclass(frozen=True)
class _ToleranceColumns:
    has_pct: BoolArray
    pct: IntArray
    has_abs: BoolArray
    absolute: IntArray
    two_sided: BoolArray
    stricter: BoolArray

    @classmethod
    def of(cls, tolerances: Sequence[Tolerance], abs_scale: int, kind: str) -> _ToleranceColumns:
        pct = [t.pct if t.pct is not None else Decimal(0) for t in tolerances]
        absolute = [t.absolute if t.absolute is not None else Decimal(0) for t in tolerances]
        return cls(
            has_pct=np.array([t.pct is not None for t in tolerances], dtype=np.bool_),
            pct=to_scaled(pct, PCT_SCALE, field=f"{kind} tolerance pct"),
            has_abs=np.array([t.absolute is not None for t in tolerances], dtype=np.bool_),
            absolute=to_scaled(absolute, abs_scale, field=f"{kind} tolerance absolute"),
            two_sided=np.array([t.two_sided for t in tolerances], dtype=np.bool_),
            stricter=np.array([t.combine == "stricter" for t in tolerances], dtype=np.bool_),
        )

    def within(
        self, category: IntArray, expected: IntArray, actual: IntArray, weight: IntArray | None
    ) -> tuple[BoolArray, IntArray]:
        deviation = actual - expected
        counted = np.where(self.two_sided[category], np.abs(deviation), np.maximum(deviation, 0))
        has_pct, has_abs = self.has_pct[category], self.has_abs[category]
        pct_ok = counted * (100 * PCT_SCALE) <= np.abs(expected) * self.pct[category]
        scaled = counted if weight is None else counted * np.abs(weight)
        abs_ok = scaled <= self.absolute[category]
        stricter_ok = (~has_pct | pct_ok) & (~has_abs | abs_ok)
        looser_ok = (has_pct & pct_ok) | (has_abs & abs_ok)
        combined = np.where(self.stricter[category], stricter_ok, looser_ok)
        within: BoolArray = np.where(has_pct | has_abs, combined, counted == 0)
        return within, deviation


@dataclass(frozen=True)
class BulkTolerances:
    """:class:`MatchingTolerances` as columns, one entry per category index."""

    price: _ToleranceColumns
    quantity: _ToleranceColumns
    price_scale: int
    quantity_scale: int

    @classmethod
    def of(
        cls,
        tolerances: MatchingTolerances,
        categories: Sequence[str | None],
        *,
        price_scale: int,
        quantity_scale: int,
    ) -> BulkTolerances:
        """Tolerances for category indexes 0..n-1 named by ``categories`` (None = default)."""
        per_category = [tolerances.for_category(name) for name in categories]
        return cls(
            price=_ToleranceColumns.of(
                [c.price for c in per_category], price_scale * quantity_scale, "price"
            ),
            quantity=_ToleranceColumns.of(
                [c.quantity for c in per_category], quantity_scale, "quantity"
            ),
            price_scale=price_scale,
            quantity_scale=quantity_scale,
        )


def _cumulative_by_po_line(po_line: IntArray, quantity: IntArray) -> IntArray:
    """For each line, the quantity of this and the earlier lines on the same PO line."""
    # Unique keys (PO line, then position) let the fast unstable sort keep input order.
    order = np.argsort(po_line * len(po_line) + np.arange(len(po_line), dtype=np.int64))
    sorted_po = po_line[order]
    running = np.cumsum(quantity[order])
    starts = np.flatnonzero(np.r_[True, sorted_po[1:] != sorted_po[:-1]])
    segment_start = np.repeat(starts, np.diff(np.r_[starts, len(sorted_po)]))
    before = np.where(segment_start > 0, running[segment_start - 1], 0)
    out = np.empty_like(quantity)
    out[order] = running - before
    return out


def _largest(*arrays: IntArray) -> int:
    return max((int(np.abs(a).max()) for a in arrays if len(a)), default=0)


def _guard_overflow(
    lines: InvoiceLineColumns, po: PoLineColumns, tolerances: BulkTolerances
) -> None:
    """Refuse inputs whose intermediate products could leave the exact int64 range."""
    price = _largest(lines.unit_price, po.unit_price)
    quantity = int(np.abs(lines.quantity).sum()) + _largest(
        po.invoiced_before, po.ordered, po.received
    )
    pct = _largest(tolerances.price.pct, tolerances.quantity.pct)
    products = (
        2 * price * _largest(lines.quantity),
        2 * price * 100 * PCT_SCALE,
        price * pct,
        2 * quantity * 100 * PCT_SCALE,
        quantity * pct,
    )
    if max(products) >= _INT64_SAFE:
        raise InvalidInput("scaled amounts too large for exact bulk matching; use a smaller scale")


def match_lines_bulk(
    lines: InvoiceLineColumns,
    po: PoLineColumns,
    tolerances: BulkTolerances,
    *,
    mode: MatchMode = MatchMode.THREE_WAY,
) -> CodeArray:
    """The outcome code of every invoice line (an index into :data:`BULK_OUTCOMES`)."""
    count = len(lines.po_line)
    codes = np.zeros(count, dtype=np.int8)
    if count == 0:
        return codes
    if lines.po_line.max(initial=-1) >= len(po.unit_price):
        raise InvalidInput("an invoice line points past the last PO line")
    if lines.quantity.min(initial=0) < 0:
        raise InvalidInput("negative quantities (returns, credits) belong to the line matcher")
    _guard_overflow(lines, po, tolerances)
    known = lines.po_line >= 0
    index = np.where(known, lines.po_line, 0)
    category = po.category[index]

    price_ok, price_dev = tolerances.price.within(
        category, po.unit_price[index], lines.unit_price, lines.quantity
    )
    known_quantity = np.where(known, lines.quantity, 0)
    cumulative = po.invoiced_before[index] + _cumulative_by_po_line(index, known_quantity)
    ordered_ok, ordered_dev = tolerances.quantity.within(
        category, po.ordered[index], cumulative, None
    )
    received = po.received[index]
    needs_receipt = po.requires_receipt[index] & (mode is MatchMode.THREE_WAY)
    received_ok, received_dev = tolerances.quantity.within(category, received, cumulative, None)

    # Assign from the lowest to the highest priority so the first failing check wins.
    received_bad = needs_receipt & (received > 0) & ~received_ok
    codes[received_bad & (received_dev < 0)] = _CODE[Outcome.QUANTITY_UNDER_RECEIVED]
    codes[received_bad & (received_dev > 0)] = _CODE[Outcome.QUANTITY_OVER_RECEIVED]
    codes[needs_receipt & (received <= 0)] = _CODE[Outcome.MISSING_RECEIPT]
    codes[~ordered_ok & (ordered_dev < 0)] = _CODE[Outcome.QUANTITY_UNDER_ORDERED]
    codes[~ordered_ok & (ordered_dev > 0)] = _CODE[Outcome.QUANTITY_OVER_ORDERED]
    codes[~price_ok & (price_dev < 0)] = _CODE[Outcome.PRICE_UNDER_TOLERANCE]
    codes[~price_ok & (price_dev > 0)] = _CODE[Outcome.PRICE_OVER_TOLERANCE]
    codes[~known] = _CODE[Outcome.MISSING_PO_LINE]
    return codes


def count_outcomes(codes: CodeArray) -> dict[str, int]:
    """How many lines ended in each outcome (only outcomes that occur)."""
    counts = np.bincount(codes.astype(np.int64), minlength=len(BULK_OUTCOMES))
    return {BULK_OUTCOMES[i].value: int(n) for i, n in enumerate(counts) if n}


__all__ = [
    "BULK_OUTCOMES",
    "PCT_SCALE",
    "BulkTolerances",
    "InvoiceLineColumns",
    "PoLineColumns",
    "count_outcomes",
    "match_lines_bulk",
    "to_scaled",
]
