"""Master-data importers: CSV and XLSX files into the store, one transaction per file."""

from __future__ import annotations

from procureflow.adapters.importers.master_import import (
    ImportResult,
    MasterDataImporter,
    import_demo_master_data,
)
from procureflow.adapters.importers.tabular import MAX_FILE_BYTES, TabularFile, read_tabular

__all__ = [
    "MAX_FILE_BYTES",
    "ImportResult",
    "MasterDataImporter",
    "TabularFile",
    "import_demo_master_data",
    "read_tabular",
]
