"""Upgrading a database whose API tokens had no expiry gives them one, 90 days out."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import alembic_config, upgrade
from procureflow.adapters.db.user_store import UserStore
from procureflow.domain.clock import utcnow
from tests.conftest import on_postgres


def test_tokens_from_before_the_upgrade_get_an_expiry(tmp_path: Path) -> None:
    if on_postgres():
        pytest.skip("walks the migrations on a fresh SQLite file")
    engine = create_engine(f"sqlite:///{tmp_path}/old.db")
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001_core")
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO pf_users (id, display_name, roles, active, created_at) "
                "VALUES ('olga', 'Olga', '[\"orchestrator\"]', 1, :now)"
            ),
            {"now": now},
        )
        for name, revoked in (("a" * 64, None), ("b" * 64, now)):
            conn.execute(
                sa.text(
                    "INSERT INTO pf_api_tokens (token_hash, user_id, created_at, revoked_at) "
                    "VALUES (:h, 'olga', :now, :revoked)"
                ),
                {"h": name, "now": now, "revoked": revoked},
            )
    upgrade(engine)
    rows = {t["id"]: t for t in UserStore(engine, SqlAuditLog(engine)).tokens("olga")}
    active, revoked_row = rows["a" * 12], rows["b" * 12]
    assert active["state"] == "active" and revoked_row["state"] == "revoked"
    expires = datetime.fromisoformat(active["expires_at"])
    assert timedelta(days=89) < expires - now <= timedelta(days=90, minutes=1)
    assert revoked_row["expires_at"] is None
    engine.dispose()
