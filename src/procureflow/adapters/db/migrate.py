"""Schema migrations with Alembic: ``procureflow db upgrade`` applies every head."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

_HERE = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: sa.Engine) -> list[str]:
    """Bring the schema to every head; returns the revisions now applied."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
    return current_revisions(engine)


def current_revisions(engine: sa.Engine) -> list[str]:
    """The revisions the database is at."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "pf_alembic_version"})
        return sorted(ctx.get_current_heads())


def pending_revisions(engine: sa.Engine) -> list[str]:
    """Heads of the packaged migrations the database has not reached."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    return sorted(set(script.get_heads()) - set(current_revisions(engine)))


__all__ = ["alembic_config", "current_revisions", "pending_revisions", "upgrade"]
