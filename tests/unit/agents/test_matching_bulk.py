"""The columnar matcher reaches the same outcome as the line-by-line matcher, line for line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procureflow.agents.matching_bulk import (
    BULK_OUTCOMES,
    BulkTolerances,
    InvoiceLineColumns,
    PoLineColumns,
    count_outcomes,
    match_lines_bulk,
    to_scaled,
)
from procureflow.domain.invoice import DocumentType, Invoice, InvoiceLine, InvoiceTotals, Party
from procureflow.domain.matching import MatchMode, match_invoice
from procureflow.domain.matching_rules import CategoryTolerances, MatchingTolerances, Tolerance
from procureflow.domain.purchase_order import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from procureflow.errors import InvalidInput

PRICE_SCALE, QTY_SCALE = 100, 1
CATEGORIES = [None, "services"]

prices = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)
tolerance = st.builds(
    Tolerance,
    pct=st.one_of(st.none(), st.integers(0, 2000).map(lambda b: Decimal(b) / 100)),
    absolute=st.one_of(st.none(), st.integers(0, 5000).map(lambda c: Decimal(c) / 100)),
    two_sided=st.booleans(),
    combine=st.sampled_from(["stricter", "looser"]),
)
quantity_tolerance = st.builds(
    Tolerance,
    pct=st.one_of(st.none(), st.integers(0, 5000).map(lambda b: Decimal(b) / 100)),
    absolute=st.one_of(st.none(), st.integers(0, 3).map(Decimal)),
    two_sided=st.booleans(),
    combine=st.sampled_from(["stricter", "looser"]),
)
po_line = st.tuples(
    prices,
    st.integers(1, 20),
    st.integers(0, 20),
    st.integers(0, 5),
    st.integers(0, 1),
    st.booleans(),
)


def _invoice(lines: list[InvoiceLine]) -> Invoice:
    total = sum((line.line_total for line in lines), Decimal(0))
    return Invoice(
        number="B-1",
        document_type=DocumentType.INVOICE,
        issue_date=date(2026, 3, 2),
        currency="EUR",
        supplier=Party(name="Bulk Supplier", vat_id="NL1"),
        buyer=Party(name="Buyer"),
        lines=tuple(lines),
        totals=InvoiceTotals(total, total, Decimal(0), total, total),
    )


@settings(max_examples=150, deadline=None)
@given(
    po_lines=st.lists(po_line, min_size=1, max_size=5),
    picks=st.lists(
        st.tuples(st.integers(-1, 4), st.integers(1, 12), st.integers(-300, 300)),
        min_size=1,
        max_size=8,
    ),
    price_tol=st.tuples(tolerance, tolerance),
    qty_tol=st.tuples(quantity_tolerance, quantity_tolerance),
    mode=st.sampled_from([MatchMode.TWO_WAY, MatchMode.THREE_WAY]),
)
def test_bulk_and_scalar_matchers_agree_line_for_line(
    po_lines, picks, price_tol, qty_tol, mode
) -> None:  # type: ignore[no-untyped-def]
    tolerances = MatchingTolerances(
        default=CategoryTolerances(price=price_tol[0], quantity=qty_tol[0]),
        by_category={"services": CategoryTolerances(price=price_tol[1], quantity=qty_tol[1])},
    )
    order = PurchaseOrder(
        po_number="PO-B",
        supplier_id="S",
        currency="EUR",
        lines=tuple(
            PurchaseOrderLine(
                line_id=str(i + 1),
                description=f"Part number {i + 1}",
                quantity=Decimal(qty),
                unit_price=price,
                category=CATEGORIES[cat],
                requires_receipt=needs,
            )
            for i, (price, qty, _rcv, _before, cat, needs) in enumerate(po_lines)
        ),
    )
    receipts = [
        GoodsReceipt(
            "GR",
            "PO-B",
            date(2026, 3, 1),
            tuple(
                GoodsReceiptLine(str(i + 1), Decimal(rcv))
                for i, (_, _, rcv, _, _, _) in enumerate(po_lines)
            ),
        )
    ]
    before = {str(i + 1): Decimal(b) for i, (_, _, _, b, _, _) in enumerate(po_lines)}
    lines, columns = [], ([], [], [])
    for n, (pick, qty, delta_cents) in enumerate(picks):
        known = 0 <= pick < len(po_lines)
        base = po_lines[pick][0] if known else Decimal("10.00")
        price = max(Decimal("0.01"), base + Decimal(delta_cents) / 100)
        lines.append(
            InvoiceLine(
                line_id=str(n + 1),
                description="Part number " + str(pick + 1) if known else "zzqx unrelated",
                quantity=Decimal(qty),
                unit_price=price,
                line_total=price * qty,
                po_line_ref=str(pick + 1) if known else None,
            )
        )
        columns[0].append(pick if known else -1)
        columns[1].append(qty)
        columns[2].append(int(price * PRICE_SCALE))
    scalar = match_invoice(
        _invoice(lines),
        order,
        receipts,
        tolerances=tolerances,
        mode=mode,
        previously_invoiced=before,
    )
    bulk = match_lines_bulk(
        InvoiceLineColumns.of(*columns),
        PoLineColumns.of(
            to_scaled([p[0] for p in po_lines], PRICE_SCALE, field="price"),
            [p[1] for p in po_lines],
            [p[2] for p in po_lines],
            [p[3] for p in po_lines],
            [p[4] for p in po_lines],
            [p[5] for p in po_lines],
        ),
        BulkTolerances.of(
            tolerances, CATEGORIES, price_scale=PRICE_SCALE, quantity_scale=QTY_SCALE
        ),
        mode=mode,
    )
    assert [BULK_OUTCOMES[c] for c in bulk] == [line.outcome for line in scalar.lines]


def test_outcomes_are_counted_by_name() -> None:
    tolerances = BulkTolerances.of(
        MatchingTolerances(
            default=CategoryTolerances(price=Tolerance(pct=Decimal(1)), quantity=Tolerance())
        ),
        [None],
        price_scale=100,
        quantity_scale=1,
    )
    po = PoLineColumns.of([1000, 1000], [5, 5], [5, 0], [0, 0], [0, 0])
    lines = InvoiceLineColumns.of([0, 0, 1, -1, 0], [2, 2, 1, 1, 2], [1000, 1100, 1000, 1000, 1000])
    codes = match_lines_bulk(lines, po, tolerances)
    # The fifth line brings PO line 0 to 2 + 2 + 2 = 6 invoiced against 5 ordered.
    assert count_outcomes(codes) == {
        "matched": 1,
        "price_over_tolerance": 1,
        "missing_receipt": 1,
        "missing_po_line": 1,
        "quantity_over_ordered": 1,
    }
    assert [BULK_OUTCOMES[c].value for c in codes][-1] == "quantity_over_ordered"


def test_bad_columns_are_refused() -> None:
    tolerances = BulkTolerances.of(MatchingTolerances(), [None], price_scale=100, quantity_scale=1)
    po = PoLineColumns.of([1000], [5], [5], [0], [0])
    with pytest.raises(InvalidInput, match="past the last PO line"):
        match_lines_bulk(InvoiceLineColumns.of([3], [1], [1000]), po, tolerances)
    with pytest.raises(InvalidInput, match="differ in length"):
        InvoiceLineColumns.of([0, 0], [1], [1000])
    with pytest.raises(InvalidInput, match="more precision"):
        to_scaled([Decimal("1.005")], 100, field="price")
    huge = np.array([2**60], dtype=np.int64)
    with pytest.raises(InvalidInput, match="too large"):
        match_lines_bulk(InvoiceLineColumns.of([0], [1], huge), po, tolerances)
