"""The purchase-order store: exactly-once creation, reading back, reducing a line."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.adapters.db.tables import metadata
from procureflow.domain.purchase_order import PurchaseOrder, PurchaseOrderLine
from procureflow.errors import Conflict, InvalidInput, NotFound


def _po(number: str = "PO-1", quantity: str = "100") -> PurchaseOrder:
    return PurchaseOrder(
        po_number=number,
        supplier_id="SUP-A",
        currency="EUR",
        lines=(
            PurchaseOrderLine(
                line_id="1",
                description="Motor",
                quantity=Decimal(quantity),
                unit_price=Decimal("352.00"),
                sku="MTR-7K5-400",
            ),
        ),
        payment_terms="net 45",
    )


def test_the_same_key_creates_one_order(engine: sa.Engine) -> None:
    store = PurchaseOrderStore(engine)
    first = store.create_po(_po(), "step-1", origin="inst-1")
    again = store.create_po(_po(), "step-1", origin="inst-1")
    assert first == again
    assert store.count() == 1
    stored = store.get("PO-1")
    assert stored.po.lines[0].unit_price == Decimal("352.00")
    assert stored.po.total == Decimal("35200.00")
    assert [p.po.po_number for p in store.by_supplier("SUP-A")] == ["PO-1"]


def test_a_po_number_used_by_another_key_is_a_conflict(engine: sa.Engine) -> None:
    store = PurchaseOrderStore(engine)
    store.create_po(_po(), "step-1")
    with pytest.raises(Conflict, match="PO-1"):
        store.create_po(_po(), "step-2")
    assert store.count() == 1


def test_reducing_a_line_is_applied_once_and_never_raises_it(engine: sa.Engine) -> None:
    store = PurchaseOrderStore(engine)
    store.create_po(_po(), "step-1")
    assert store.reduce_quantity("PO-1", "1", Decimal("40"), "cut-1", reason="delay") is True
    assert store.reduce_quantity("PO-1", "1", Decimal("10"), "cut-1", reason="delay") is False
    stored = store.get("PO-1")
    assert stored.po.lines[0].quantity == Decimal("40")
    assert stored.original_quantities["1"] == Decimal("100")
    assert stored.status == "reduced"
    with pytest.raises(InvalidInput, match="cannot raise"):
        store.reduce_quantity("PO-1", "1", Decimal("50"), "cut-2", reason="x")
    with pytest.raises(NotFound, match="no line 9"):
        store.reduce_quantity("PO-1", "9", Decimal("5"), "cut-3", reason="x")
    assert [c["after"] for c in store.changes("PO-1")] == [{"quantity": "40"}]


def test_migration_matches_the_declared_tables(engine: sa.Engine) -> None:
    names = ("pf_purchase_orders", "pf_po_lines", "pf_po_changes")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if any(n in repr(d) for n in names)]
    assert diffs == []
