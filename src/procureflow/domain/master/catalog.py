"""All master data in memory, with the look-ups agents need (by mail domain, by SKU, ...).

``MasterDataSet`` is what a repository loads and what agents are given; it is also the
in-memory twin used by unit tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from procureflow.domain.master.records import Contract, FxRate, Item, Lane, Offer, Supplier


@dataclass(frozen=True, slots=True)
class MasterDataSet:
    """Suppliers, items, offers, contracts, lanes and FX rates as one immutable snapshot."""

    suppliers: Sequence[Supplier] = ()
    items: Sequence[Item] = ()
    offers: Sequence[Offer] = ()
    contracts: Sequence[Contract] = ()
    lanes: Sequence[Lane] = ()
    fx_rates: Sequence[FxRate] = ()
    _items_by_sku: dict[str, Item] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._items_by_sku.update({item.sku.upper(): item for item in self.items})

    def load(self) -> MasterDataSet:
        """This snapshot itself: a snapshot serves wherever a master-data source is asked for."""
        return self

    def supplier_for_domain(self, domain: str) -> Supplier | None:
        """The supplier whose ``email_domains`` include ``domain`` (or a parent domain of it)."""
        domain = domain.lower().rstrip(".")
        exact = [s for s in self.suppliers if domain in s.email_domains]
        if exact:
            return exact[0]
        return next((s for s in self.suppliers if s.owns_domain(domain)), None)

    def supplier(self, supplier_id: str) -> Supplier | None:
        """The supplier with ``supplier_id``, if any."""
        return next((s for s in self.suppliers if s.supplier_id == supplier_id), None)

    def item(self, sku: str) -> Item | None:
        """The item with ``sku`` (case-insensitive), if any."""
        return self._items_by_sku.get(sku.upper())

    def offers_for(self, sku: str) -> list[Offer]:
        """Every offer for ``sku``."""
        return [o for o in self.offers if o.sku.upper() == sku.upper()]

    def contracts_of(self, supplier_id: str) -> list[Contract]:
        """Every contract with ``supplier_id``."""
        return [k for k in self.contracts if k.supplier_id == supplier_id]


__all__ = ["MasterDataSet"]
