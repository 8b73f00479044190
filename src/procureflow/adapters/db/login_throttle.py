"""Failed logins and lockouts, counted in the database so every process agrees.

After ``max_failures`` failed logins for one user name within ``window`` (or
``max_failures_per_address`` from one client address), further logins for that name (or
from that address) are refused for ``lockout`` — even with the right token, since the
point is to stop guessing. Failures and lockouts are written to the audit ledger; a
successful login clears the user name's count (not the address's: one valid account must
not reset the count of an address that guesses at others).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables_auth import login_failures, login_lockouts
from procureflow.domain.clock import utcnow
from procureflow.errors import TooManyAttempts

USER = "user"
ADDRESS = "address"
KEY_LENGTH = 150  # fits the audit stream "login:<key>" and actor "address:<key>"


def _key(value: str) -> str:
    return value.strip()[:KEY_LENGTH] or "-"


def _upsert_lockout(conn: sa.Connection) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(login_lockouts)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(login_lockouts)  # type: ignore[assignment]
    return stmt.on_conflict_do_update(
        index_elements=["scope", "key"], set_={"locked_until": stmt.excluded.locked_until}
    )


class LoginThrottle:
    """Counts failed logins per user name and per client address; refuses locked ones."""

    def __init__(
        self,
        engine: sa.Engine,
        audit: SqlAuditLog,
        *,
        max_failures: int = 5,
        max_failures_per_address: int = 20,
        window: timedelta = timedelta(minutes=15),
        lockout: timedelta = timedelta(minutes=15),
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.limits = {USER: max_failures, ADDRESS: max_failures_per_address}
        self.window = window
        self.lockout = lockout

    def check(self, user_name: str, address: str) -> None:
        """Raise ``TooManyAttempts`` (with the seconds to wait) while either is locked."""
        now = utcnow()
        keys = [(USER, _key(user_name)), (ADDRESS, _key(address))]
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(login_lockouts).where(
                    sa.or_(
                        *(
                            sa.and_(login_lockouts.c.scope == s, login_lockouts.c.key == k)
                            for s, k in keys
                        )
                    ),
                    login_lockouts.c.locked_until > now,
                )
            ).all()
        if not rows:
            return
        until: datetime = max(r.locked_until for r in rows)
        wait = max(1, math.ceil((until - now).total_seconds()))
        what = "this user name" if any(r.scope == USER for r in rows) else "this address"
        raise TooManyAttempts(
            f"too many failed logins for {what}; try again in {math.ceil(wait / 60)} "
            f"minute(s), at {until.isoformat(timespec='seconds')}",
            retry_after=wait,
        )

    def failed(self, user_name: str, address: str, reason: str) -> list[str]:
        """Record a failed login; the scopes it locked out (empty when none)."""
        now = utcnow()
        user, addr = _key(user_name), _key(address)
        locked: list[str] = []
        with self.engine.begin() as conn:
            self.audit.append(
                conn,
                stream=f"login:{user}",
                kind="login.failed",
                actor=f"address:{addr}",
                subject=user,
                payload={"address": addr, "reason": reason},
            )
            for scope, key in ((USER, user), (ADDRESS, addr)):
                conn.execute(login_failures.insert().values(scope=scope, key=key, at=now))
                conn.execute(
                    login_failures.delete().where(
                        login_failures.c.scope == scope,
                        login_failures.c.key == key,
                        login_failures.c.at <= now - self.window,
                    )
                )
                count = conn.execute(
                    sa.select(sa.func.count()).where(
                        login_failures.c.scope == scope, login_failures.c.key == key
                    )
                ).scalar_one()
                if count < self.limits[scope]:
                    continue
                until = now + self.lockout
                # an upsert: two processes locking the same key at once must not collide
                conn.execute(
                    _upsert_lockout(conn), {"scope": scope, "key": key, "locked_until": until}
                )
                conn.execute(
                    login_failures.delete().where(
                        login_failures.c.scope == scope, login_failures.c.key == key
                    )
                )
                self.audit.append(
                    conn,
                    stream=f"login:{user}",
                    kind="login.locked_out",
                    actor="procureflow",
                    subject=key,
                    payload={
                        "scope": scope,
                        "key": key,
                        "failures": int(count),
                        "locked_until": until.isoformat(),
                    },
                )
                locked.append(scope)
        return locked

    def succeeded(self, user_name: str) -> None:
        """A successful login clears the user name's failures and lockout."""
        user = _key(user_name)
        with self.engine.begin() as conn:
            for table in (login_failures, login_lockouts):
                conn.execute(table.delete().where(table.c.scope == USER, table.c.key == user))


__all__ = ["ADDRESS", "USER", "LoginThrottle"]
