"""People, their roles and their API tokens (stored as SHA-256 hashes, never in clear)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables import api_tokens, users
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, InvalidInput, NotFound, Unauthenticated

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


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

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
        """A new API token for ``user_id``: shown once, stored only as its hash."""
        self.get(user_id)
        token = "pf_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.insert().values(
                    token_hash=_hash(token), user_id=user_id, label=label, created_at=utcnow()
                )
            )
            self.audit.append(
                conn,
                stream=f"user:{user_id}",
                kind="user.token_issued",
                actor="admin",
                subject=user_id,
                payload={"label": label, "token_sha256_prefix": _hash(token)[:12]},
            )
        return token

    def authenticate(self, token: str) -> User:
        """The active user a token belongs to."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(users)
                .join(api_tokens, api_tokens.c.user_id == users.c.id)
                .where(api_tokens.c.token_hash == _hash(token), api_tokens.c.revoked_at.is_(None))
            ).first()
        if row is None or not row.active:
            raise Unauthenticated("invalid or revoked token")
        return _user(row)


__all__ = ["ROLES", "User", "UserStore"]
