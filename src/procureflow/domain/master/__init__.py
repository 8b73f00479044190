"""Master data: suppliers, items, offers, contracts, lanes, FX rates; reading and checking rows."""

from __future__ import annotations

from procureflow.domain.master.catalog import MasterDataSet
from procureflow.domain.master.records import (
    Certification,
    Contract,
    FxRate,
    Item,
    Lane,
    MasterRecord,
    Offer,
    Supplier,
    TransportMode,
)
from procureflow.domain.master.rows import (
    KINDS,
    REQUIRED_HEADERS,
    ImportContext,
    ImportProblem,
    RowsRejected,
    build_records,
    check_kind,
    record_key,
)

__all__ = [
    "KINDS",
    "REQUIRED_HEADERS",
    "Certification",
    "Contract",
    "FxRate",
    "ImportContext",
    "ImportProblem",
    "Item",
    "Lane",
    "MasterDataSet",
    "MasterRecord",
    "Offer",
    "RowsRejected",
    "Supplier",
    "TransportMode",
    "build_records",
    "check_kind",
    "record_key",
]
