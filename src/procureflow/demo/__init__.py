"""Demo data shipped with the package: a fictional pump manufacturer in Hamburg.

Nordhafen Pumpenwerk buys motors, castings, seals, bearings and electronics from
suppliers in Europe, Asia and the Americas. ``data/`` holds its master data (CSV, in
import order) and ``emails/`` the supplier mails that run the disruption scenario.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from importlib.resources.abc import Traversable

from procureflow.domain.master import ImportContext, MasterDataSet, build_records

IMPORT_ORDER: tuple[str, ...] = ("suppliers", "items", "offers", "contracts", "lanes", "fx")
"""The kinds in the order they must be imported (offers and contracts refer to the first two)."""


def demo_data_dir() -> Traversable:
    """The packaged directory of demo master-data CSV files (``<kind>.csv``)."""
    return files("procureflow.demo") / "data"


def demo_emails_dir() -> Traversable:
    """The packaged directory of demo supplier emails (``*.eml``)."""
    return files("procureflow.demo") / "emails"


def demo_files() -> list[tuple[str, str, bytes]]:
    """``(kind, file name, content)`` of every demo master-data file, in import order."""
    folder = demo_data_dir()
    return [(kind, f"{kind}.csv", (folder / f"{kind}.csv").read_bytes()) for kind in IMPORT_ORDER]


def demo_emails() -> dict[str, bytes]:
    """Every demo email by file name."""
    folder = demo_emails_dir()
    return {
        entry.name: entry.read_bytes()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".eml")
    }


def demo_master_data(base_currency: str = "EUR") -> MasterDataSet:
    """The demo master data as an in-memory snapshot, checked like an import (no database)."""
    loaded = {}
    for kind, name, content in demo_files():
        lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
        rows = list(enumerate(lines[1:], start=2))
        loaded[kind] = build_records(kind, name, lines[0], rows, ImportContext(base_currency))
    return MasterDataSet(
        suppliers=loaded["suppliers"],  # type: ignore[arg-type]
        items=loaded["items"],  # type: ignore[arg-type]
        offers=loaded["offers"],  # type: ignore[arg-type]
        contracts=loaded["contracts"],  # type: ignore[arg-type]
        lanes=loaded["lanes"],  # type: ignore[arg-type]
        fx_rates=loaded["fx"],  # type: ignore[arg-type]
    )


__all__ = [
    "IMPORT_ORDER",
    "demo_data_dir",
    "demo_emails",
    "demo_emails_dir",
    "demo_files",
    "demo_master_data",
]
