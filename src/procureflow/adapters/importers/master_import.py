"""Import one master-data file: read, check every row, write all rows or none, audit it.

References are checked against what is stored and what the same file brings: an offer
or a contract naming a supplier (or an offer naming a SKU) that is not in the master
data is refused, so import suppliers and items before offers and contracts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.db.tables_master import MASTER_TABLES
from procureflow.adapters.importers.tabular import read_tabular
from procureflow.domain.locodes import has_coordinates
from procureflow.domain.master import (
    Contract,
    ImportContext,
    ImportProblem,
    Lane,
    MasterRecord,
    Offer,
    RowsRejected,
    build_records,
    check_kind,
    record_key,
)

AUDIT_STREAM = "master-data"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: how many rows were new and how many replaced stored ones."""

    kind: str
    source: str
    rows: int
    created: int
    updated: int
    sha256: str
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The result as plain JSON data (for ``--json`` and the API)."""
        return {
            "kind": self.kind,
            "source": self.source,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "sha256": self.sha256,
            "warnings": list(self.warnings),
        }


class MasterDataImporter:
    """Imports CSV/XLSX master-data files into the store, each file in one transaction."""

    def __init__(self, engine: sa.Engine, context: ImportContext, *, actor: str = "import") -> None:
        self.engine = engine
        self.context = context
        self.actor = actor
        self.repository = MasterDataRepository(engine)
        self.audit = SqlAuditLog(engine)

    def import_bytes(self, kind: str, content: bytes, source: str) -> ImportResult:
        """Import ``content`` (CSV or XLSX) as ``kind``; refused as a whole on any bad row."""
        kind = check_kind(kind)
        table = read_tabular(content, source)
        records = build_records(kind, source, table.headers, table.rows, self.context)
        rows_of = {
            record_key(r): n for r, (n, _) in zip(records, _data_rows(table.rows), strict=False)
        }
        file_digest = hashlib.sha256(content).hexdigest()
        with self.engine.begin() as conn:
            self._check_references(conn, kind, records, source, rows_of)
            existing = _stored_keys(conn, kind)
            updated = sum(1 for r in records if record_key(r) in existing)
            self.repository.upsert(conn, kind, records, source=source)
            warnings = _row_warnings(records, source, rows_of) + self._warnings(conn, kind)
            self.audit.append(
                conn,
                stream=AUDIT_STREAM,
                kind="master_data.imported",
                actor=self.actor,
                subject=f"{kind}:{source}",
                payload={
                    "kind": kind,
                    "source": source,
                    "rows": len(records),
                    "created": len(records) - updated,
                    "updated": updated,
                    "sha256": file_digest,
                    "warnings": warnings,
                },
            )
        return ImportResult(
            kind,
            source,
            len(records),
            len(records) - updated,
            updated,
            file_digest,
            tuple(warnings),
        )

    def _warnings(self, conn: sa.Connection, kind: str) -> list[str]:
        """What the stored data now lacks for planning; the import itself stands."""
        found: list[str] = []
        plant = self.context.plant_location
        if kind == "lanes" and plant:
            lanes = MASTER_TABLES["lanes"]
            reaching = conn.execute(
                sa.select(sa.func.count()).select_from(lanes).where(lanes.c.destination == plant)
            ).scalar_one()
            if not reaching:
                found.append(f"no lane ends at the plant {plant}: freight to it cannot be routed")
        if kind in ("offers", "contracts"):
            used = _currencies(conn, MASTER_TABLES[kind])
            rated = _currencies(conn, MASTER_TABLES["fx"])
            missing = sorted(used - rated - {self.context.base_currency})
            if missing:
                found.append(f"no FX rate for {', '.join(missing)}: import fx before planning")
        return found

    def _check_references(
        self,
        conn: sa.Connection,
        kind: str,
        records: list[MasterRecord],
        source: str,
        rows_of: dict[tuple[str, ...], int],
    ) -> None:
        if kind not in ("offers", "contracts"):
            return
        suppliers = self.repository.existing_keys(conn, "suppliers")
        skus = self.repository.existing_keys(conn, "items") if kind == "offers" else set()
        problems: list[ImportProblem] = []
        for record in records:
            row = rows_of.get(record_key(record), 0)
            if isinstance(record, Offer | Contract) and record.supplier_id not in suppliers:
                problems.append(
                    ImportProblem(
                        row,
                        "supplier_id",
                        f"unknown supplier {record.supplier_id!r} (import suppliers first)",
                    )
                )
            if isinstance(record, Offer) and record.sku not in skus:
                problems.append(
                    ImportProblem(row, "sku", f"unknown item {record.sku!r} (import items first)")
                )
        if problems:
            raise RowsRejected(source, problems)


def _row_warnings(
    records: list[MasterRecord], source: str, rows_of: dict[tuple[str, ...], int]
) -> list[str]:
    """Rows that import fine but that planning will have to leave out, each named.

    A lane without ``distance_km`` between places whose coordinates are unknown cannot
    be measured for CO2e, so routing skips it; saying so now is cheaper than finding out
    during a disruption. The row is kept: a distance or the coordinates may follow.
    """
    found = []
    for record in records:
        if not isinstance(record, Lane) or record.extra.get("distance_km", "").strip():
            continue
        unknown = [c for c in (record.origin, record.destination) if not has_coordinates(c)]
        if unknown:
            row = rows_of.get(record_key(record), 0)
            found.append(
                f"{source} row {row}: no coordinates for UN/LOCODE {', '.join(unknown)} and "
                "no distance_km: routing will leave this lane out until one is given"
            )
    return found


def import_demo_master_data(importer: MasterDataImporter) -> list[ImportResult]:
    """Import the packaged demo master data, each file in its own transaction, in order."""
    from procureflow.demo import demo_files

    return [importer.import_bytes(kind, content, name) for kind, name, content in demo_files()]


def _currencies(conn: sa.Connection, table: sa.Table) -> set[str]:
    return {str(c) for c in conn.execute(sa.select(table.c.currency).distinct()).scalars()}


def _data_rows(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    return [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]


def _stored_keys(conn: sa.Connection, kind: str) -> set[tuple[str, ...]]:
    table = MASTER_TABLES[kind]
    columns = list(table.primary_key.columns)
    return {
        tuple(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in row)
        for row in conn.execute(sa.select(*columns))
    }


__all__ = ["AUDIT_STREAM", "ImportResult", "MasterDataImporter", "import_demo_master_data"]
