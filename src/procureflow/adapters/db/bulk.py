"""Set-based helpers for the monitors, which handle tens of thousands of rows per pass:
look keys up in chunks and insert many rows at once, ignoring the ones already there."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")

# Well below SQLite's limit on bound parameters (32766) and Postgres' (65535).
CHUNK = 500


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing(conn: sa.Connection, column: sa.ColumnElement[Any], keys: Iterable[Any]) -> set[Any]:
    """Which of ``keys`` are present in ``column`` (queried in chunks)."""
    wanted = list(dict.fromkeys(keys))
    found: set[Any] = set()
    for part in chunks(wanted):
        found.update(conn.execute(sa.select(column).where(column.in_(part))).scalars())
    return found


def insert_ignoring(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in one statement per chunk; rows whose key exists are skipped."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Any = pg_insert(table).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table).on_conflict_do_nothing()
    for part in chunks(rows, 2000):
        conn.execute(statement, list(part))


__all__ = ["CHUNK", "chunks", "existing", "insert_ignoring"]
