"""The demo's open purchase orders: what the sample supplier mails refer to.

Nordhafen Pumpenwerk's master data carries no orders, but the delay notices name open
POs (``PO-2026-0412`` for the 7.5 kW motors, …) and the recovery reduces them; the
price-change notice re-prices the bearing orders. ``procureflow demo`` and the tests
store these with :func:`ensure_demo_open_orders` (idempotent).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.domain.purchase_order import PurchaseOrder, PurchaseOrderLine
from procureflow.runtime.services import Services

# (po number, supplier, currency, terms, issue date, [(sku, description, qty, price, need by)])
_DEMO_ORDERS: tuple[
    tuple[str, str, str, str, date, tuple[tuple[str, str, int, str, date], ...]], ...
] = (
    ("PO-2026-0412", "SUP-HUAXIN", "USD", "net 60", date(2026, 9, 14), (
        ("MTR-7K5-400", "Induction motor 7.5 kW 400 V IE3", 450, "310.00", date(2026, 11, 30)),
    )),
    ("PO-2026-0398", "SUP-BRANDT", "EUR", "2/10 net 30", date(2026, 10, 5), (
        ("HSG-GG25-100", "Pump housing GG25 cast iron DN100", 300, "86.00", date(2026, 11, 27)),
    )),
    ("PO-2026-0405", "SUP-DUFRESNE", "EUR", "net 45", date(2026, 10, 12), (
        ("SEAL-MC-35", "Mechanical seal 35 mm SiC/SiC", 1200, "41.50", date(2026, 11, 26)),
    )),
    ("PO-2026-0420", "SUP-ISAR", "EUR", "net 30", date(2026, 10, 26), (
        ("PCB-CTRL-4", "Pump controller board rev.4", 300, "118.00", date(2026, 11, 25)),
    )),
    ("PO-2026-0431", "SUP-MIDWEST", "USD", "net 60", date(2026, 11, 2), (
        ("BRG-6308-2RS", "Deep groove ball bearing 6308-2RS", 4000, "7.80", date(2027, 1, 18)),
        ("BRG-NU310", "Cylindrical roller bearing NU310", 600, "38.00", date(2027, 1, 18)),
    )),
)  # fmt: skip


def demo_open_orders() -> list[tuple[PurchaseOrder, dict[str, date]]]:
    """The demo's open orders with the need-by date of each line."""
    orders = []
    for number, supplier, currency, terms, issued, lines in _DEMO_ORDERS:
        po = PurchaseOrder(
            po_number=number,
            supplier_id=supplier,
            currency=currency,
            payment_terms=terms,
            issue_date=issued,
            lines=tuple(
                PurchaseOrderLine(
                    line_id=str(index),
                    description=description,
                    quantity=Decimal(quantity),
                    unit_price=Decimal(price),
                    sku=sku,
                    unit_code="pcs",
                    category="direct-materials",
                )
                for index, (sku, description, quantity, price, _) in enumerate(lines, start=1)
            ),
        )
        need_by = {str(i): line[4] for i, line in enumerate(lines, start=1)}
        orders.append((po, need_by))
    return orders


def ensure_demo_open_orders(store: PurchaseOrderStore) -> list[str]:
    """Store the demo's open orders unless there; returns the PO numbers."""
    numbers = []
    for po, need_by in demo_open_orders():
        store.create_po(po, f"demo-open-order:{po.po_number}", origin="demo", need_by=need_by)
        numbers.append(po.po_number)
    return numbers


def ensure_demo_world(svc: Services) -> list[str]:
    """Import the demo master data unless suppliers are stored, then the open orders."""
    from procureflow.adapters.db.master_repository import MasterDataRepository
    from procureflow.adapters.importers import MasterDataImporter, import_demo_master_data
    from procureflow.domain.master import ImportContext

    if MasterDataRepository(svc.engine).count("suppliers") == 0:
        context = ImportContext(svc.settings.base_currency)
        import_demo_master_data(MasterDataImporter(svc.engine, context))
    return ensure_demo_open_orders(PurchaseOrderStore(svc.engine, svc.audit))


__all__ = ["demo_open_orders", "ensure_demo_open_orders", "ensure_demo_world"]
