"""Playbook versions, instances and their task runs: what ``instances list|show`` reads.

Writes are idempotent (unique on instance + task key), so a step that re-runs after a
crash records its task once and appends its audit entry once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.tables import instances, playbook_versions, task_runs
from procureflow.domain.canonical import digest, to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, NotFound

TERMINAL = frozenset({"completed", "faulted", "cancelled"})


@dataclass(frozen=True, slots=True)
class PlaybookVersion:
    """One registered version of a playbook document, identified by its SHA-256."""

    id: str
    namespace: str
    name: str
    version: str
    source: str
    origin: str | None
    registered_at: datetime


@dataclass(frozen=True, slots=True)
class InstanceSnapshot:
    """What an instance runs: the playbook text it started with and its input."""

    instance_id: str
    source: str
    origin: str
    input: Any


def _playbook_from_row(row: sa.Row[Any]) -> PlaybookVersion:
    return PlaybookVersion(
        id=row.id,
        namespace=row.namespace,
        name=row.name,
        version=row.version,
        source=row.source,
        origin=row.origin,
        registered_at=row.registered_at,
    )


_RESUME_WAITING = (
    instances.update()
    .where(instances.c.id == sa.bindparam("b_id"), instances.c.status == "waiting")
    .values(status="running", updated_at=sa.bindparam("b_now"))
)
_INSERT_TASK: dict[str, Any] = {}


def _insert_task(conn: sa.Connection) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for task runs, built once per dialect."""
    dialect = conn.dialect.name
    if dialect not in _INSERT_TASK:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        _INSERT_TASK[dialect] = (
            insert(task_runs)
            .on_conflict_do_nothing(index_elements=["instance_id", "key"])
            .returning(task_runs.c.id)
        )
    return _INSERT_TASK[dialect]


def instance_stream(instance_id: str) -> str:
    """The audit stream of one instance."""
    return f"instance:{instance_id}"


class InstanceStore:
    """Repository of playbook versions, instances and task runs."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    # playbook versions -------------------------------------------------------------
    def register_playbook(
        self, *, namespace: str, name: str, version: str, source: str, origin: str | None
    ) -> PlaybookVersion:
        """Store a playbook version (idempotent: the same text is the same version)."""
        version_id = hashlib.sha256(source.encode("utf-8")).hexdigest()
        with self.engine.begin() as conn:
            inserted = insert_if_absent(
                conn,
                playbook_versions,
                {
                    "id": version_id,
                    "namespace": namespace,
                    "name": name,
                    "version": version,
                    "source": source,
                    "origin": origin,
                    "registered_at": utcnow(),
                },
            )
            if inserted:
                self.audit.append(
                    conn,
                    stream=f"playbook:{namespace}/{name}",
                    kind="playbook.registered",
                    actor="system",
                    subject=version_id,
                    payload={"version": version, "origin": origin, "sha256": version_id},
                )
        return self.playbook(version_id)

    def playbook(self, version_id: str) -> PlaybookVersion:
        """A playbook version by id."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(playbook_versions).where(playbook_versions.c.id == version_id)
            ).first()
        if row is None:
            raise NotFound(f"no playbook version {version_id}")
        return _playbook_from_row(row)

    def latest_playbook(self, name: str, namespace: str | None = None) -> PlaybookVersion:
        """The most recently registered version of the playbook called ``name``."""
        query = sa.select(playbook_versions).where(playbook_versions.c.name == name)
        if namespace:
            query = query.where(playbook_versions.c.namespace == namespace)
        with self.engine.connect() as conn:
            row = conn.execute(
                query.order_by(
                    playbook_versions.c.registered_at.desc(), playbook_versions.c.id
                ).limit(1)
            ).first()
        if row is None:
            raise NotFound(f"unknown playbook {name!r}", subject=name)
        return _playbook_from_row(row)

    def list_playbooks(self) -> list[PlaybookVersion]:
        """The latest version of every playbook, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(playbook_versions).order_by(playbook_versions.c.registered_at)
            ).all()
        latest: dict[tuple[str, str], PlaybookVersion] = {}
        for row in rows:
            latest[(row.namespace, row.name)] = _playbook_from_row(row)
        return sorted(latest.values(), key=lambda p: (p.namespace, p.name))

    # instances ---------------------------------------------------------------------
    def create_instance(
        self,
        conn: sa.Connection,
        *,
        instance_id: str,
        playbook: PlaybookVersion,
        input: Any,
        trigger_event: str | None,
        actor: str,
    ) -> None:
        """Insert a new instance in ``conn``'s transaction (with its audit entry)."""
        now = utcnow()
        conn.execute(
            instances.insert().values(
                id=instance_id,
                playbook_id=playbook.id,
                namespace=playbook.namespace,
                name=playbook.name,
                version=playbook.version,
                status="running",
                input=to_jsonable(input),
                trigger_event=trigger_event,
                created_at=now,
                updated_at=now,
            )
        )
        self.audit.append(
            conn,
            stream=instance_stream(instance_id),
            kind="instance.started",
            actor=actor,
            subject=instance_id,
            payload={
                "playbook": f"{playbook.namespace}/{playbook.name}",
                "version": playbook.version,
                "playbook_sha256": playbook.id,
                "trigger_event": trigger_event,
            },
        )

    def instance_name(self, instance_id: str) -> str:
        """The name of the playbook an instance runs."""
        with self.engine.connect() as conn:
            name = conn.execute(
                sa.select(instances.c.name).where(instances.c.id == instance_id)
            ).scalar_one_or_none()
        if name is None:
            raise NotFound(f"no instance {instance_id}", subject=instance_id)
        return str(name)

    def requester(self, instance_id: str) -> str:
        """Who started the instance: the person or integration recorded as the actor of
        its start (for an instance an event started, whoever sent the event)."""
        from procureflow.adapters.db.tables import audit_entries

        with self.engine.connect() as conn:
            actor = conn.execute(
                sa.select(audit_entries.c.actor)
                .where(
                    audit_entries.c.stream == instance_stream(instance_id),
                    audit_entries.c.kind == "instance.started",
                )
                .order_by(audit_entries.c.seq)
                .limit(1)
            ).scalar_one_or_none()
        if actor is None:
            raise NotFound(f"no start recorded for instance {instance_id}", subject=instance_id)
        return str(actor)

    def snapshot(self, instance_id: str) -> InstanceSnapshot:
        """The playbook version an instance started with and its input (never changes)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    instances.c.input,
                    playbook_versions.c.source,
                    playbook_versions.c.namespace,
                    playbook_versions.c.name,
                    playbook_versions.c.version,
                )
                .join(playbook_versions, playbook_versions.c.id == instances.c.playbook_id)
                .where(instances.c.id == instance_id)
            ).first()
        if row is None:
            raise NotFound(f"no instance {instance_id}", subject=instance_id)
        return InstanceSnapshot(
            instance_id=instance_id,
            source=row.source,
            origin=f"{row.namespace}/{row.name}@{row.version}",
            input=row.input,
        )

    def record_task(
        self, *, instance_id: str, record: Mapping[str, Any], resume_waiting: bool = True
    ) -> bool:
        """Record one executed task and its audit entry; False when already recorded.

        ``resume_waiting`` also moves a waiting instance back to running (needed on the
        first task after a wait or a restart; callers skip it otherwise to save a write).
        """
        values = to_jsonable(dict(record))
        row = {
            "instance_id": instance_id,
            "key": values["key"],
            "path": values["pointer"],
            "name": values["name"],
            "type": values["type"],
            "status": values["status"],
            "input": values.get("input"),
            "output": values.get("output"),
            "error": values.get("error"),
            "started_at": record["started_at"],
            "ended_at": record.get("ended_at"),
        }
        with self.engine.begin() as conn:
            inserted = conn.execute(_insert_task(conn), row).first() is not None
            if not inserted:
                return False
            if resume_waiting:
                conn.execute(_RESUME_WAITING, {"b_id": instance_id, "b_now": utcnow()})
            self.audit.append(
                conn,
                stream=instance_stream(instance_id),
                kind=f"task.{values['status']}",
                actor="runtime",
                subject=values["pointer"],
                payload={
                    "key": values["key"],
                    "name": values["name"],
                    "type": values["type"],
                    # The output is in the task run; the ledger binds it by its digest.
                    "output_sha256": digest(values.get("output")),
                    "error": values.get("error"),
                },
            )
        return True

    def set_status(
        self,
        instance_id: str,
        status: str,
        *,
        output: Any = None,
        error: Any = None,
    ) -> None:
        """Move an instance to ``status``; a terminal status is written once."""
        now = utcnow()
        clean_output, clean_error = to_jsonable(output), to_jsonable(error)
        with self.engine.begin() as conn:
            # One statement decides and writes: only a live instance in another state moves.
            moved = conn.execute(
                instances.update()
                .where(
                    instances.c.id == instance_id,
                    instances.c.status.not_in([*TERMINAL, status]),
                )
                .values(
                    status=status,
                    output=clean_output,
                    error=clean_error,
                    updated_at=now,
                    completed_at=now if status in TERMINAL else None,
                )
                .returning(instances.c.id)
            ).first()
            if moved is None:
                exists = conn.execute(
                    sa.select(instances.c.id).where(instances.c.id == instance_id)
                ).first()
                if exists is None:
                    raise NotFound(f"no instance {instance_id}")
                return
            self.audit.append(
                conn,
                stream=instance_stream(instance_id),
                kind=f"instance.{status}",
                actor="runtime",
                subject=instance_id,
                payload={"output": clean_output, "error": clean_error},
            )

    def transition(
        self,
        instance_id: str,
        *,
        allowed_from: Collection[str],
        to: str,
        kind: str,
        actor: str,
        payload: Mapping[str, Any],
    ) -> str:
        """An operator's move of an instance (cancel, retry, resume): from one of
        ``allowed_from`` to ``to``, audited as ``kind`` by ``actor``; returns the status it
        left. Unlike :meth:`set_status` it may reopen a terminal instance; a move from any
        other status is a :class:`Conflict` naming the status found."""
        now = utcnow()
        reopening = to not in TERMINAL
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(instances.c.status).where(instances.c.id == instance_id).with_for_update()
            ).first()
            if row is None:
                raise NotFound(f"no instance {instance_id}", subject=instance_id)
            if row.status not in allowed_from:
                raise Conflict(
                    f"instance {instance_id} is {row.status}; this needs it "
                    + " or ".join(sorted(allowed_from)),
                    subject=instance_id,
                )
            values: dict[str, Any] = {"status": to, "updated_at": now}
            values["completed_at"] = None if reopening else now
            if reopening:
                values["error"] = None
            conn.execute(instances.update().where(instances.c.id == instance_id).values(values))
            self.audit.append(
                conn,
                stream=instance_stream(instance_id),
                kind=kind,
                actor=actor,
                subject=instance_id,
                payload={"from": row.status, "to": to, **to_jsonable(dict(payload))},
            )
        return str(row.status)

    def instance(self, instance_id: str) -> dict[str, Any]:
        """One instance with every task run, in execution order."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(instances).where(instances.c.id == instance_id)).first()
            if row is None:
                raise NotFound(f"no instance {instance_id}", subject=instance_id)
            tasks = conn.execute(
                sa.select(task_runs)
                .where(task_runs.c.instance_id == instance_id)
                .order_by(task_runs.c.id)
            ).all()
        data = _instance_json(row)
        data["tasks"] = [
            {
                "key": t.key,
                "pointer": t.path,
                "name": t.name,
                "type": t.type,
                "status": t.status,
                "input": t.input,
                "output": t.output,
                "error": t.error,
                "started_at": t.started_at.isoformat(),
                "ended_at": t.ended_at.isoformat() if t.ended_at else None,
                "duration_ms": round((t.ended_at - t.started_at).total_seconds() * 1000, 3)
                if t.ended_at
                else None,
            }
            for t in tasks
        ]
        return data

    def list_instances(
        self,
        *,
        status: str | None = None,
        name: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Instances, newest first, optionally filtered by status and playbook name."""
        query = sa.select(instances).order_by(instances.c.created_at.desc(), instances.c.id)
        if status:
            query = query.where(instances.c.status == status)
        if name:
            query = query.where(instances.c.name == name)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [_instance_json(r) for r in rows]

    def count_instances(self, *, status: str | None = None, name: str | None = None) -> int:
        """How many instances match the filters of :meth:`list_instances`."""
        query = sa.select(sa.func.count()).select_from(instances)
        if status:
            query = query.where(instances.c.status == status)
        if name:
            query = query.where(instances.c.name == name)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def instances_with_status(self, status: str) -> list[str]:
        """Ids of every instance in ``status`` (used to resume work after a restart)."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(instances.c.id).where(instances.c.status == status)
                ).scalars()
            )


def _instance_json(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "playbook": row.name,
        "namespace": row.namespace,
        "version": row.version,
        "playbook_sha256": row.playbook_id,
        "status": row.status,
        "input": row.input,
        "output": row.output,
        "error": row.error,
        "trigger_event": row.trigger_event,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "completed_at": row.completed_at.isoformat() if row.completed_at else None,
    }


__all__ = ["TERMINAL", "InstanceSnapshot", "InstanceStore", "PlaybookVersion", "instance_stream"]
