"""Paged, filtered reads of one table with the total count: the REST lists' common query.

Used by read-only list endpoints (documents, exceptions) so that each
returns the same shape: the rows of one page, and the number of rows the filter matches
(sent as the ``X-Total-Count`` header).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.tables import approvals, audit_entries
from procureflow.adapters.db.tables_documents import documents
from procureflow.adapters.db.tables_exceptions import exceptions
from procureflow.errors import NotFound


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def page(
    engine: sa.Engine,
    table: sa.Table,
    *,
    filters: Mapping[str, Any] | None = None,
    order_by: list[Any] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Rows ``offset .. offset+limit`` of ``table`` matching ``filters`` (column = value;
    ``None`` values are ignored), and how many rows match in all."""
    conditions = [
        table.c[name] == value for name, value in (filters or {}).items() if value is not None
    ]
    query = sa.select(table).where(*conditions)
    for column in order_by or list(table.primary_key.columns):
        query = query.order_by(column)
    count = sa.select(sa.func.count()).select_from(table).where(*conditions)
    with engine.connect() as conn:
        total = int(conn.execute(count).scalar() or 0)
        rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
    return [{key: _plain(value) for key, value in row.items()} for row in rows], total


def instances_with_approvals(engine: sa.Engine) -> set[str]:
    """Ids of the instances that asked a person at least once (not touchless)."""
    with engine.connect() as conn:
        query = sa.select(approvals.c.instance_id).where(approvals.c.instance_id.is_not(None))
        return set(conn.execute(query.distinct()).scalars())


def approvals_of_instance(engine: sa.Engine, instance_id: str) -> list[dict[str, Any]]:
    """The approval requests one instance opened, oldest first."""
    rows, _total = page(
        engine,
        approvals,
        filters={"instance_id": instance_id},
        order_by=[approvals.c.created_at, approvals.c.id],
        limit=1000,
    )
    return rows


def latest_ledger_entries(engine: sa.Engine, limit: int = 100) -> list[dict[str, Any]]:
    """The newest audit ledger entries, newest first."""
    rows, _total = page(engine, audit_entries, order_by=[audit_entries.c.id.desc()], limit=limit)
    return rows


RESOURCES: dict[str, tuple[sa.Table, list[Any]]] = {
    "documents": (documents, [documents.c.created_at.desc(), documents.c.sha256]),
    "exceptions": (exceptions, [exceptions.c.opened_at.desc(), exceptions.c.id]),
}
"""Read-only resources by their URL name: the table and the order of a page (newest first)."""


def list_resource(
    engine: sa.Engine, resource: str, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of a resource of :data:`RESOURCES` and the count its filter matches."""
    table, order = RESOURCES[resource]
    return page(engine, table, filters=filters, order_by=order, limit=limit, offset=offset)


def get_resource(engine: sa.Engine, resource: str, key: str) -> dict[str, Any]:
    """One row of a resource by its primary key."""
    table, _order = RESOURCES[resource]
    (column,) = table.primary_key.columns
    rows, _total = page(engine, table, filters={column.name: key}, limit=1)
    if not rows:
        raise NotFound(f"no {resource.rstrip('s').replace('-', ' ')} {key!r}", subject=key)
    return rows[0]


__all__ = [
    "RESOURCES",
    "approvals_of_instance",
    "get_resource",
    "instances_with_approvals",
    "latest_ledger_entries",
    "list_resource",
    "page",
]
