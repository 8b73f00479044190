"""``procureflow import KIND FILE``: load master data from CSV or XLSX, all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.domain.master import KINDS, REQUIRED_HEADERS


def register(app: typer.Typer) -> None:
    """Add ``import`` to the top-level command."""
    app.command(
        "import",
        help="Import master data from CSV or XLSX: all rows of a file or none.",
        epilog="Required headers (extra columns are kept) — "
        + "; ".join(f"{kind}: {','.join(REQUIRED_HEADERS[kind])}" for kind in KINDS),
    )(import_master_data)


@one_line_errors
def import_master_data(
    kind: str = typer.Argument(..., help=f"One of: {', '.join(KINDS)}"),
    file: Path = typer.Argument(..., help="CSV (UTF-8) or XLSX file; header on row 1"),
    as_json: bool = JsonOption,
) -> None:
    """Import one file in one transaction: a bad row names file, row and column, and
    nothing of the file is imported."""
    from procureflow.adapters.importers import MasterDataImporter
    from procureflow.domain.master import ImportContext

    content = file.read_bytes()
    with context.store() as svc:
        importer = MasterDataImporter(
            svc.engine,
            ImportContext(
                base_currency=svc.settings.base_currency,
                plant_location=svc.settings.plant_location,
            ),
            actor="cli",
        )
        result = importer.import_bytes(kind, content, file.name).to_json()

    def human(r: dict[str, Any]) -> None:
        console.print(
            f"imported {r['rows']} {r['kind']} from {r['source']}: "
            f"{r['created']} new, {r['updated']} updated",
            highlight=False,
        )
        for warning in r["warnings"]:
            console.print(f"warning: {warning}", highlight=False)

    emit(result, as_json=as_json, human=human)


__all__ = ["import_master_data", "register"]
