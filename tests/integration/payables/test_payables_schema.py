"""The payables migration builds exactly the tables the code declares."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from procureflow.adapters.db import tables_payables
from procureflow.adapters.db.tables import metadata

MY_TABLES = {
    getattr(tables_payables, name).name
    for name in tables_payables.__all__
    if isinstance(getattr(tables_payables, name), sa.Table)
}


def test_migrated_payables_tables_match_the_declared_ones(engine: sa.Engine) -> None:
    assert {"pf_signed_contracts", "pf_invoices", "pf_payments"} <= MY_TABLES
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [
            d for d in compare_metadata(context, metadata) if any(n in repr(d) for n in MY_TABLES)
        ]
    assert differences == []
