"""A read contract tied to the supplier master: which supplier it is with, and its category.

The contract store and the evaluation both call :func:`link_contract`, so the corpus
figures measure what ingestion does. The category is the one the contract states, else
the linked supplier's; without either a person is asked — never a silent default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from procureflow.documents.contract_terms.model import ContractTerms
from procureflow.domain.master import Supplier
from procureflow.domain.supplier_link import SupplierLink, link_supplier


def link_contract(terms: ContractTerms, suppliers: Sequence[Supplier]) -> SupplierLink:
    """The contract's supplier in ``suppliers`` and its category, or why a person must decide."""
    party = terms.supplier
    link = link_supplier(party.name if party else None, party.tax_id if party else None, suppliers)
    stated = (terms.category or "").strip().lower() or None
    if link.supplier_id is None:
        return replace(link, category=stated)
    return replace(link, category=stated or link.category)


__all__ = ["SupplierLink", "link_contract"]
