"""Dashboard login sessions: a random token in an HttpOnly cookie, stored only as its hash.

A session is a row of ``pf_api_tokens`` labelled ``session`` whose token starts with
``pfs_``: the same table as API tokens (one place to revoke a person's access), but the
API refuses a session token as a bearer token, and a session expires after its maximum
age even when nobody logs out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables import api_tokens, users
from procureflow.adapters.db.user_store import SESSION_LABEL, User, UserStore
from procureflow.domain.clock import utcnow
from procureflow.errors import Unauthenticated

SESSION_PREFIX = "pfs_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    """Open, read and close login sessions."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog, *, max_age: timedelta) -> None:
        self.engine = engine
        self.audit = audit
        self.max_age = max_age
        self.users = UserStore(engine, audit)

    def open(self, api_token: str, *, user_id: str | None = None) -> tuple[User, str]:
        """Exchange a valid API token for a new session token (the person logs in); with
        ``user_id`` the token must be that user's (the login form asks for both)."""
        if api_token.startswith(SESSION_PREFIX):
            raise Unauthenticated("log in with an API token, not a session")
        user = self.users.authenticate(api_token)
        if user_id is not None and user.id != user_id:
            raise Unauthenticated("invalid or revoked token for this user name")
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.insert().values(
                    token_hash=_hash(token),
                    user_id=user.id,
                    label=SESSION_LABEL,
                    created_at=now,
                    expires_at=now + self.max_age,
                )
            )
            self.audit.append(
                conn,
                stream=f"user:{user.id}",
                kind="user.logged_in",
                actor=user.id,
                subject=user.id,
                payload={"session_sha256_prefix": _hash(token)[:12]},
            )
        return user, token

    def user(self, token: str) -> User:
        """The active user of an open, unexpired session."""
        if not token.startswith(SESSION_PREFIX):
            raise Unauthenticated("not a session; log in again")
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(users, api_tokens.c.created_at.label("opened_at"))
                .join(api_tokens, api_tokens.c.user_id == users.c.id)
                .where(
                    api_tokens.c.token_hash == _hash(token),
                    api_tokens.c.label == SESSION_LABEL,
                    api_tokens.c.revoked_at.is_(None),
                )
            ).first()
        if row is None or not row.active:
            raise Unauthenticated("the session is unknown or closed; log in again")
        if row.opened_at + self.max_age < utcnow():
            raise Unauthenticated("the session has expired; log in again")
        return User(
            id=row.id,
            display_name=row.display_name,
            email=row.email,
            roles=frozenset(row.roles),
            active=row.active,
        )

    def close(self, token: str) -> None:
        """Revoke a session (log out); closing an unknown session does nothing."""
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.update()
                .where(
                    api_tokens.c.token_hash == _hash(token),
                    api_tokens.c.label == SESSION_LABEL,
                    api_tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=utcnow())
            )


__all__ = ["SESSION_PREFIX", "SessionStore"]
