"""Reading and writing master data: upserts by each kind's key, one transaction per file."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.tables_master import MASTER_TABLES
from procureflow.domain.clock import utcnow
from procureflow.domain.master import (
    Certification,
    Contract,
    FxRate,
    Item,
    Lane,
    MasterDataSet,
    MasterRecord,
    Offer,
    Supplier,
    check_kind,
)

_MODELS: dict[str, type[MasterRecord]] = {
    "suppliers": Supplier,
    "items": Item,
    "offers": Offer,
    "contracts": Contract,
    "lanes": Lane,
    "fx": FxRate,
}


# one snapshot per engine, shared by every repository on it (API requests, agents)
_SNAPSHOTS: weakref.WeakKeyDictionary[sa.Engine, tuple[tuple[Any, ...], MasterDataSet]] = (
    weakref.WeakKeyDictionary()
)


def _to_row(record: MasterRecord, source: str) -> dict[str, Any]:
    row = dict(record)
    if isinstance(record, Supplier):
        row["email_domains"] = list(record.email_domains)
        row["certifications"] = [
            {"name": c.name, "expiry": c.expiry.isoformat()} for c in record.certifications
        ]
    row["source"] = source[:500]
    row["updated_at"] = utcnow()
    return row


def _from_row(kind: str, row: sa.Row[Any]) -> MasterRecord:
    data = dict(row._mapping)
    data.pop("source", None)
    data.pop("updated_at", None)
    if kind == "suppliers":
        data["email_domains"] = tuple(data["email_domains"])
        data["certifications"] = tuple(Certification(**c) for c in data["certifications"])
    return _MODELS[kind].model_validate(data)


def _upsert(conn: sa.Connection, table: sa.Table) -> Any:
    keys = [c.name for c in table.primary_key.columns]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)  # type: ignore[assignment]
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    return stmt.on_conflict_do_update(index_elements=keys, set_=update)


class MasterDataRepository:
    """Master data on the relational store (SQLite or Postgres)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def upsert(
        self, conn: sa.Connection, kind: str, records: Sequence[MasterRecord], *, source: str
    ) -> int:
        """Insert or replace ``records`` of ``kind`` inside the caller's transaction; returns how many."""
        table = MASTER_TABLES[check_kind(kind)]
        rows = [_to_row(r, source) for r in records]
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            conn.execute(_upsert(conn, table), chunk)
        return len(rows)

    def records(
        self, kind: str, *, limit: int | None = None, offset: int = 0
    ) -> list[MasterRecord]:
        """Records of ``kind`` in key order."""
        kind = check_kind(kind)
        table = MASTER_TABLES[kind]
        query = sa.select(table).order_by(*table.primary_key.columns).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_from_row(kind, row) for row in conn.execute(query)]

    def count(self, kind: str) -> int:
        """How many records of ``kind`` are stored."""
        table = MASTER_TABLES[check_kind(kind)]
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    def existing_keys(self, conn: sa.Connection, kind: str) -> set[str]:
        """The single-column keys of ``kind`` already stored (supplier ids, SKUs)."""
        table = MASTER_TABLES[check_kind(kind)]
        (key,) = table.primary_key.columns
        return {str(v) for v in conn.execute(sa.select(key)).scalars()}

    def fingerprint(self) -> tuple[Any, ...]:
        """Row count and last change of every master table: equal fingerprints, equal data."""
        with self.engine.connect() as conn:
            return tuple(
                tuple(
                    conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.updated_at))).one()
                )
                for table in MASTER_TABLES.values()
            )

    def load(self) -> MasterDataSet:
        """Every master record as one in-memory snapshot for the agents.

        The snapshot is reused while no table has changed (same row counts and last
        update), so reading a mail does not rebuild thousands of records each time.
        """
        stamp = self.fingerprint()
        cached = _SNAPSHOTS.get(self.engine)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        snapshot = self._read_all()
        _SNAPSHOTS[self.engine] = (stamp, snapshot)
        return snapshot

    def _read_all(self) -> MasterDataSet:
        data = {kind: self.records(kind) for kind in MASTER_TABLES}
        return MasterDataSet(
            suppliers=[r for r in data["suppliers"] if isinstance(r, Supplier)],
            items=[r for r in data["items"] if isinstance(r, Item)],
            offers=[r for r in data["offers"] if isinstance(r, Offer)],
            contracts=[r for r in data["contracts"] if isinstance(r, Contract)],
            lanes=[r for r in data["lanes"] if isinstance(r, Lane)],
            fx_rates=[r for r in data["fx"] if isinstance(r, FxRate)],
        )


__all__ = ["MasterDataRepository"]
