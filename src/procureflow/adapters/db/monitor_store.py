"""What the monitors record: each run (what it looked at, what it found, what it did),
the actions already taken (so each happens once), and what they remember between runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.bulk import existing, insert_ignoring
from procureflow.adapters.db.tables_exceptions import monitor_actions, monitor_runs, monitor_state
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import NotFound


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def run_json(row: sa.Row[Any]) -> dict[str, Any]:
    """A monitor run as the CLI and API show it."""
    return {
        "id": row.id,
        "monitor": row.monitor,
        "as_of": _iso(row.as_of),
        "started_at": _iso(row.started_at),
        "ended_at": _iso(row.ended_at),
        "status": row.status,
        "looked_at": row.looked_at,
        "found": row.found,
        "actions": row.actions,
        "error": row.error,
    }


class MonitorStore:
    """Runs, once-only actions and remembered state of the monitors."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def start_run(self, monitor: str, as_of: datetime) -> str:
        """Record that a run began; returns its id."""
        run_id = "mr-" + uuid.uuid4().hex[:20]
        with self.engine.begin() as conn:
            conn.execute(
                monitor_runs.insert().values(
                    id=run_id,
                    monitor=monitor,
                    as_of=as_of,
                    started_at=utcnow(),
                    status="running",
                    looked_at={},
                    found={},
                    actions={},
                )
            )
        return run_id

    def finish_run(
        self,
        run_id: str,
        *,
        looked_at: Mapping[str, Any],
        found: Mapping[str, Any],
        actions: Mapping[str, Any],
        error: str | None = None,
    ) -> dict[str, Any]:
        """Record what the run looked at, found and did (or the error that stopped it)."""
        with self.engine.begin() as conn:
            conn.execute(
                monitor_runs.update()
                .where(monitor_runs.c.id == run_id)
                .values(
                    ended_at=utcnow(),
                    status="failed" if error else "completed",
                    looked_at=to_jsonable(dict(looked_at)),
                    found=to_jsonable(dict(found)),
                    actions=to_jsonable(dict(actions)),
                    error=error,
                )
            )
        return self.run(run_id)

    def run(self, run_id: str) -> dict[str, Any]:
        """One run."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(monitor_runs).where(monitor_runs.c.id == run_id)).first()
        if row is None:
            raise NotFound(f"no monitor run {run_id}", subject=run_id)
        return run_json(row)

    def runs(self, monitor: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        query = sa.select(monitor_runs).order_by(monitor_runs.c.started_at.desc()).limit(limit)
        if monitor:
            query = query.where(monitor_runs.c.monitor == monitor)
        with self.engine.connect() as conn:
            return [run_json(r) for r in conn.execute(query)]

    def unclaimed(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` no action has been recorded for yet."""
        wanted = list(keys)
        if not wanted:
            return set()
        with self.engine.connect() as conn:
            seen = existing(conn, monitor_actions.c.key, wanted)
        return set(wanted) - seen

    def claim(
        self, monitor: str, run_id: str, actions: Mapping[str, Mapping[str, Any]]
    ) -> set[str]:
        """Record actions by key; returns the keys that were not recorded before.

        Each value names ``kind``, ``subject_type``, ``subject_id`` and a ``payload``.
        """
        if not actions:
            return set()
        now = utcnow()
        with self.engine.begin() as conn:
            seen = existing(conn, monitor_actions.c.key, actions)
            fresh = [key for key in actions if key not in seen]
            insert_ignoring(
                conn,
                monitor_actions,
                [
                    {
                        "key": key,
                        "monitor": monitor,
                        "kind": actions[key]["kind"],
                        "subject_type": actions[key]["subject_type"],
                        "subject_id": actions[key]["subject_id"],
                        "payload": to_jsonable(actions[key].get("payload", {})),
                        "run_id": run_id,
                        "created_at": now,
                    }
                    for key in fresh
                ],
            )
        return set(fresh)

    def forget(self, keys: list[str]) -> None:
        """Drop recorded actions (a condition cleared: it may be acted on again later)."""
        with self.engine.begin() as conn:
            for start in range(0, len(keys), 500):
                conn.execute(
                    monitor_actions.delete().where(
                        monitor_actions.c.key.in_(keys[start : start + 500])
                    )
                )

    def forget_stages(
        self, monitor: str, still: set[tuple[str, str, str]], reasons: tuple[str, ...]
    ) -> int:
        """Forget the exception stages of conditions that are gone; returns how many.

        ``still`` holds the (subject type, subject id, reason) found in this run; stages
        of the monitor's ``reasons`` not among them may be raised afresh if they return.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    monitor_actions.c.key,
                    monitor_actions.c.subject_type,
                    monitor_actions.c.subject_id,
                    monitor_actions.c.payload,
                ).where(monitor_actions.c.monitor == monitor, monitor_actions.c.kind == "exception")
            ).all()
        gone = [
            row.key
            for row in rows
            if (row.payload or {}).get("reason_code") in reasons
            and (row.subject_type, row.subject_id, row.payload["reason_code"]) not in still
        ]
        self.forget(gone)
        return len(gone)

    def actions(self, monitor: str, kind: str | None = None) -> list[dict[str, Any]]:
        """Actions a monitor took, oldest first."""
        query = (
            sa.select(monitor_actions)
            .where(monitor_actions.c.monitor == monitor)
            .order_by(monitor_actions.c.created_at, monitor_actions.c.key)
        )
        if kind:
            query = query.where(monitor_actions.c.kind == kind)
        with self.engine.connect() as conn:
            return [
                {
                    "key": r.key,
                    "kind": r.kind,
                    "subject_type": r.subject_type,
                    "subject_id": r.subject_id,
                    "payload": r.payload,
                    "run_id": r.run_id,
                }
                for r in conn.execute(query)
            ]

    def state(self, monitor: str) -> dict[str, Any]:
        """Everything the monitor remembered, by key."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(monitor_state.c.key, monitor_state.c.value).where(
                    monitor_state.c.monitor == monitor
                )
            )
            return {str(row.key): row.value for row in rows}

    def remember(self, monitor: str, values: Mapping[str, Any]) -> None:
        """Store (replace) remembered values by key."""
        if not values:
            return
        now = utcnow()
        with self.engine.begin() as conn:
            keys = list(values)
            for start in range(0, len(keys), 500):
                conn.execute(
                    monitor_state.delete().where(
                        monitor_state.c.monitor == monitor,
                        monitor_state.c.key.in_(keys[start : start + 500]),
                    )
                )
            insert_ignoring(
                conn,
                monitor_state,
                [
                    {"monitor": monitor, "key": k, "value": to_jsonable(v), "updated_at": now}
                    for k, v in values.items()
                ],
            )


__all__ = ["MonitorStore", "run_json"]
