"""Tokens for API tests: every endpoint but /health needs a signed-in user."""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.user_store import UserStore


def bearer_for(engine: sa.Engine, user: str, *roles: str) -> dict[str, str]:
    """Add ``user`` with ``roles`` and answer an Authorization header with a new token."""
    store = UserStore(engine, SqlAuditLog(engine))
    store.add(user, roles=list(roles))
    return {"Authorization": f"Bearer {store.issue_token(user)}"}


# What a process that serves or executes needs outside demo mode (``check_startup_secrets``):
# tests that start ``procureflow serve``/``worker``/``playbooks run`` put these in its env.
PROCESS_SECRETS = {
    "PROCUREFLOW_SECRET_KEY": "test-secret-key-for-processes-0123456789abcdef",
    "PROCUREFLOW_KEYSTORE_PASSPHRASE": "test keystore passphrase for processes",
}
