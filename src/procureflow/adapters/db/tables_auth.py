"""Sign-in hardening: failed logins and the lockouts they cause, kept in the database so
that every process serving the dashboard sees the same counts.

A failure is one row per scope (``user`` or ``address``) and key (the user name or client
address). When a key reaches its limit within the window, a row in ``pf_login_lockouts``
refuses further logins until ``locked_until``; the failures counted for it are deleted,
so after the lockout the count starts from zero.
"""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.types import UTCDateTime

login_failures = sa.Table(
    "pf_login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(20), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Index("ix_pf_login_failures_key", "scope", "key", "at"),
)

login_lockouts = sa.Table(
    "pf_login_lockouts",
    metadata,
    sa.Column("scope", sa.String(20), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("locked_until", UTCDateTime(), nullable=False),
)

__all__ = ["login_failures", "login_lockouts"]
