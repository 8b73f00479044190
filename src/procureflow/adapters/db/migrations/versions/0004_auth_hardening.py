"""auth hardening: API token expiry, failed logins and lockouts

Existing API tokens (and open sessions) had no expiry: they get one 90 days after this
upgrade, so that nobody is locked out by the upgrade itself and no token lives forever.

Revision ID: 0004_auth_hardening
Revises: 0001_core
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import UTCDateTime

revision = "0004_auth_hardening"
down_revision = "0001_core"
branch_labels = ("auth_hardening",)
depends_on = None

GRACE = timedelta(days=90)


def upgrade() -> None:
    with op.batch_alter_table("pf_api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime(), nullable=True))
    tokens = sa.table(
        "pf_api_tokens",
        sa.column("expires_at", UTCDateTime()),
        sa.column("revoked_at", UTCDateTime()),
    )
    op.execute(
        tokens.update()
        .where(tokens.c.revoked_at.is_(None))
        .values(expires_at=datetime.now(UTC) + GRACE)
    )
    op.create_table(
        "pf_login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_login_failures")),
    )
    op.create_index("ix_pf_login_failures_key", "pf_login_failures", ["scope", "key", "at"])
    op.create_table(
        "pf_login_lockouts",
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_pf_login_lockouts")),
    )


def downgrade() -> None:
    op.drop_table("pf_login_lockouts")
    op.drop_index("ix_pf_login_failures_key", table_name="pf_login_failures")
    op.drop_table("pf_login_failures")
    with op.batch_alter_table("pf_api_tokens") as batch:
        batch.drop_column("expires_at")
