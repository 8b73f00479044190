"""Alembic environment: the connection comes from ``migrate.upgrade`` (or the URL in config)."""

from __future__ import annotations

from alembic import context

from procureflow.adapters.db import all_tables  # noqa: F401  (registers every table)
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=metadata,
            render_as_batch=True,
            version_table="pf_alembic_version",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
else:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        version_table="pf_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()
