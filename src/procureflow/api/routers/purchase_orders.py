"""Purchase orders over REST (read): the list, and one order with its changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.api.auth import REQUESTERS, access
from procureflow.api.deps import ServicesDep

router = APIRouter(
    prefix="/purchase-orders", tags=["purchase orders"], dependencies=[access(REQUESTERS)]
)


@router.get("")
def list_orders(
    svc: ServicesDep,
    supplier: str | None = Query(None, description="only this supplier id"),
    origin: str | None = Query(None, description="only those this playbook instance created"),
    open_only: bool = Query(False, alias="open", description="only open or reduced orders"),
) -> list[dict[str, Any]]:
    """Purchase orders, oldest first."""
    store = PurchaseOrderStore(svc.engine, svc.audit)
    return [
        o.to_json() for o in store.list(supplier_id=supplier, origin=origin, open_only=open_only)
    ]


@router.get("/{po}")
def get_order(svc: ServicesDep, po: str) -> dict[str, Any]:
    """One purchase order (by number or id) with its lines and every change made to it."""
    store = PurchaseOrderStore(svc.engine, svc.audit)
    row = store.get(po).to_json()
    row["changes"] = store.changes(po)
    return row


__all__ = ["router"]
