"""The payables stores of a running process, built once and kept in ``Services.extras``."""

from __future__ import annotations

from dataclasses import dataclass

from procureflow.adapters.db.contract_store import ContractStore
from procureflow.adapters.db.payables_store import PayablesStore
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.runtime.services import Services


@dataclass(frozen=True)
class PayablesStores:
    """Contracts (with onboarding, workspace, compliance), payables, purchase orders."""

    contracts: ContractStore
    payables: PayablesStore
    orders: PurchaseOrderStore


def payables_stores(svc: Services) -> PayablesStores:
    """The stores of ``svc`` (created on first use)."""
    found = svc.extras.get("payables")
    if found is None:
        found = svc.extras["payables"] = PayablesStores(
            contracts=ContractStore(svc.engine, svc.audit),
            payables=PayablesStore(svc.engine, svc.audit),
            orders=PurchaseOrderStore(svc.engine, svc.audit),
        )
    return found


__all__ = ["PayablesStores", "payables_stores"]
