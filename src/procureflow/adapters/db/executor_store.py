"""Heartbeats of the processes that run the durable engine (``serve``, ``worker``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.tables import executors
from procureflow.domain.clock import utcnow


class ExecutorStore:
    """One row per executor id: when it started, when it last beat, when it stopped."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def beat(self, executor_id: str, *, host: str, pid: int, starting: bool = False) -> None:
        """Record that ``executor_id`` is alive now (``starting``: a new process took it)."""
        now = utcnow()
        with self.engine.begin() as conn:
            moved = conn.execute(
                executors.update()
                .where(executors.c.id == executor_id)
                .values(
                    beat_at=now,
                    stopped_at=None,
                    **({"host": host, "pid": pid, "started_at": now} if starting else {}),
                )
            ).rowcount
            if not moved:
                conn.execute(
                    executors.insert().values(
                        id=executor_id, host=host, pid=pid, started_at=now, beat_at=now
                    )
                )

    def stopped(self, executor_id: str) -> None:
        """A clean stop: the executor says it is gone (its waiting work is still its own
        until it comes back or is handed over)."""
        with self.engine.begin() as conn:
            conn.execute(
                executors.update().where(executors.c.id == executor_id).values(stopped_at=utcnow())
            )

    def silent(self, after: timedelta, *, now: datetime | None = None) -> list[dict[str, Any]]:
        """Executors whose last beat is older than ``after``."""
        limit = (now or utcnow()) - after
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(executors).where(executors.c.beat_at < limit).order_by(executors.c.id)
            ).all()
        return [executor_json(r) for r in rows]

    def all(self) -> list[dict[str, Any]]:
        """Every executor ever seen, by id."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(executors).order_by(executors.c.id)).all()
        return [executor_json(r) for r in rows]


def executor_json(row: sa.Row[Any]) -> dict[str, Any]:
    """An executor as the CLI and the API show it."""
    return {
        "id": row.id,
        "host": row.host,
        "pid": row.pid,
        "started_at": row.started_at.isoformat(),
        "beat_at": row.beat_at.isoformat(),
        "stopped_at": row.stopped_at.isoformat() if row.stopped_at else None,
    }


__all__ = ["ExecutorStore", "executor_json"]
