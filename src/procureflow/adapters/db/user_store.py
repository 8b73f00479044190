"""People, their roles and their API tokens (stored as SHA-256 hashes, never in clear).

Every token expires (``api_token_days`` by default, ``--expires-in`` when issued) and can be
revoked; an expired or revoked token is refused with 401. A token is named by its id, the
first 12 hex digits of its hash: enough to list and revoke it, useless to sign in with.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables import api_tokens, users
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, InvalidInput, NotFound, Unauthenticated

DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
SESSION_LABEL = "session"
TOKEN_ID_LENGTH = 12
_TOKEN_ID = re.compile(rf"[0-9a-f]{{{TOKEN_ID_LENGTH}}}")

ROLES = frozenset(
    {
        "orchestrator",
        "buyer",
        "category_manager",
        "budget_owner",
        "cfo",
        "legal",
        "accounts_payable",
        "compliance",
        "supplier_integration",
        "auditor",
        "admin",
    }
)


@dataclass(frozen=True, slots=True)
class User:
    """A person who can sign in, decide approvals or call the API."""

    id: str
    display_name: str
    email: str | None
    roles: frozenset[str]
    active: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "email": self.email,
            "roles": sorted(self.roles),
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just issued: the secret (shown once), its id and its expiry."""

    token: str
    id: str
    user_id: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id(token: str) -> str:
    """The id a token is listed and revoked by (a prefix of its hash)."""
    return _hash(token)[:TOKEN_ID_LENGTH]


def _token_json(row: sa.Row[Any], now: datetime) -> dict[str, Any]:
    if row.revoked_at is not None:
        state = "revoked"
    elif row.expires_at is not None and row.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    return {
        "id": row.token_hash[:TOKEN_ID_LENGTH],
        "user": row.user_id,
        "kind": "session" if row.label == SESSION_LABEL else "api",
        "label": row.label,
        "created_at": row.created_at.isoformat(),
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        "state": state,
    }


def _user(row: sa.Row[Any]) -> User:
    return User(
        id=row.id,
        display_name=row.display_name,
        email=row.email,
        roles=frozenset(row.roles),
        active=row.active,
    )


class UserStore:
    """Repository of users and tokens."""

    def __init__(
        self,
        engine: sa.Engine,
        audit: SqlAuditLog,
        *,
        token_lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.token_lifetime = token_lifetime

    def add(
        self,
        user_id: str,
        *,
        roles: list[str],
        display_name: str | None = None,
        email: str | None = None,
    ) -> User:
        """Create a user; unknown roles and an existing id are refused."""
        unknown = sorted(set(roles) - ROLES)
        if unknown:
            raise InvalidInput(
                f"unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(ROLES))}"
            )
        if not user_id.strip():
            raise InvalidInput("a user id must not be empty")
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first()
            if exists:
                raise Conflict(f"user {user_id!r} exists already", subject=user_id)
            conn.execute(
                users.insert().values(
                    id=user_id,
                    display_name=display_name or user_id,
                    email=email,
                    roles=sorted(set(roles)),
                    active=True,
                    created_at=utcnow(),
                )
            )
            self.audit.append(
                conn,
                stream=f"user:{user_id}",
                kind="user.added",
                actor="admin",
                subject=user_id,
                payload={"roles": sorted(set(roles))},
            )
        return self.get(user_id)

    def get(self, user_id: str) -> User:
        """A user by id."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFound(f"no user {user_id!r}", subject=user_id)
        return _user(row)

    def all(self) -> list[User]:
        """Every user, by id."""
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.id))]

    def issue_token(self, user_id: str, label: str | None = None) -> str:
        """A new API token for ``user_id`` with the default lifetime (the secret only)."""
        return self.issue(user_id, label).token

    def issue(
        self,
        user_id: str,
        label: str | None = None,
        *,
        expires_in: timedelta | None = None,
        actor: str = "admin",
    ) -> IssuedToken:
        """A new API token for ``user_id``: shown once, stored only as its hash, valid for
        ``expires_in`` (default: the store's token lifetime)."""
        lifetime = self.token_lifetime if expires_in is None else expires_in
        if lifetime <= timedelta(0):
            raise InvalidInput("a token's lifetime must be positive")
        self.get(user_id)
        token = "pf_" + secrets.token_urlsafe(32)
        now = utcnow()
        expires_at = now + lifetime
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.insert().values(
                    token_hash=_hash(token),
                    user_id=user_id,
                    label=label,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            self.audit.append(
                conn,
                stream=f"user:{user_id}",
                kind="user.token_issued",
                actor=actor,
                subject=user_id,
                payload={
                    "label": label,
                    "token_sha256_prefix": token_id(token),
                    "expires_at": expires_at.isoformat(),
                },
            )
        return IssuedToken(token, token_id(token), user_id, expires_at)

    def tokens(self, user_id: str) -> list[dict[str, Any]]:
        """The tokens and sessions of ``user_id`` (never their secrets), oldest first."""
        self.get(user_id)
        now = utcnow()
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(api_tokens)
                .where(api_tokens.c.user_id == user_id)
                .order_by(api_tokens.c.created_at, api_tokens.c.token_hash)
            ).all()
        return [_token_json(r, now) for r in rows]

    def revoke(self, token_ref: str, *, actor: str) -> dict[str, Any]:
        """Revoke one token (or session) by its id; audited with ``actor``."""
        if not _TOKEN_ID.fullmatch(token_ref):
            raise InvalidInput(
                f"a token id is {TOKEN_ID_LENGTH} hex digits (see 'procureflow users tokens "
                f"list USER'), not {token_ref!r}"
            )
        now = utcnow()
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(api_tokens).where(api_tokens.c.token_hash.startswith(token_ref))
            ).all()
            if not rows:
                raise NotFound(f"no token {token_ref}", subject=token_ref)
            if len(rows) > 1:
                raise Conflict(f"token id {token_ref} is ambiguous", subject=token_ref)
            row = rows[0]
            if row.revoked_at is not None:
                raise Conflict(f"token {token_ref} is already revoked", subject=token_ref)
            conn.execute(
                api_tokens.update()
                .where(api_tokens.c.token_hash == row.token_hash)
                .values(revoked_at=now)
            )
            self.audit.append(
                conn,
                stream=f"user:{row.user_id}",
                kind="user.token_revoked",
                actor=actor,
                subject=row.user_id,
                payload={"tokens": [token_ref]},
            )
            revoked = conn.execute(
                sa.select(api_tokens).where(api_tokens.c.token_hash == row.token_hash)
            ).one()
        return _token_json(revoked, now)

    def revoke_all(self, user_id: str, *, actor: str) -> list[dict[str, Any]]:
        """Revoke every open token and session of ``user_id``; audited with ``actor``."""
        self.get(user_id)
        now = utcnow()
        with self.engine.begin() as conn:
            open_rows = conn.execute(
                sa.select(api_tokens.c.token_hash).where(
                    api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None)
                )
            ).all()
            hashes = [r.token_hash for r in open_rows]
            if hashes:
                conn.execute(
                    api_tokens.update()
                    .where(api_tokens.c.token_hash.in_(hashes))
                    .values(revoked_at=now)
                )
            self.audit.append(
                conn,
                stream=f"user:{user_id}",
                kind="user.token_revoked",
                actor=actor,
                subject=user_id,
                payload={"tokens": sorted(h[:TOKEN_ID_LENGTH] for h in hashes), "all": True},
            )
            rows = conn.execute(
                sa.select(api_tokens).where(api_tokens.c.token_hash.in_(hashes))
            ).all()
        return [_token_json(r, now) for r in sorted(rows, key=lambda r: r.created_at)]

    def authenticate(self, token: str) -> User:
        """The active user an unrevoked, unexpired token belongs to."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(users, api_tokens.c.expires_at)
                .join(api_tokens, api_tokens.c.user_id == users.c.id)
                .where(api_tokens.c.token_hash == _hash(token), api_tokens.c.revoked_at.is_(None))
            ).first()
        if row is None or not row.active:
            raise Unauthenticated("invalid or revoked token")
        if row.expires_at is not None and row.expires_at <= utcnow():
            raise Unauthenticated(
                f"the token expired at {row.expires_at.isoformat()}; ask for a new one "
                "('procureflow users token')"
            )
        return _user(row)


__all__ = [
    "DEFAULT_TOKEN_LIFETIME",
    "ROLES",
    "SESSION_LABEL",
    "IssuedToken",
    "User",
    "UserStore",
    "token_id",
]
