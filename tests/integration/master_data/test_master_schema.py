"""The master-data migrations build exactly the tables the code declares."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.tables_master import MASTER_TABLES


def _touches_master_table(diff: object) -> bool:
    names = {table.name for table in MASTER_TABLES.values()}
    return any(name in repr(diff) for name in names)


def test_migrated_master_tables_match_the_declared_ones(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, metadata) if _touches_master_table(d)]
    assert differences == []
