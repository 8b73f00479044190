"""The document catalog on the relational store: every write commits together with its
audit entries (stream ``document:<sha256>``, kind ``document.<operation>``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_ignore
from procureflow.adapters.db.tables import effects
from procureflow.adapters.db.tables_documents import (
    document_versions,
    documents,
    keystore_entries,
    signature_profiles,
    signing_sessions,
    signing_steps,
)
from procureflow.documents.ports import OperationRecord, StoredDocument
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, NotFound


class SqlDocumentCatalog:
    """Implements the document service's catalog port with SQLAlchemy."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog | None = None) -> None:
        self.engine = engine
        self.audit = audit or SqlAuditLog(engine)

    # -- operations ------------------------------------------------------------------
    def _write_operation(self, conn: sa.Connection, record: OperationRecord) -> None:
        now = utcnow()
        for doc in record.outputs:
            conn.execute(
                insert_ignore(
                    conn,
                    documents,
                    {
                        "sha256": doc.sha256,
                        "name": doc.name[:500],
                        "media_type": doc.media_type,
                        "size": doc.size,
                        "category": doc.category,
                        "created_by": record.actor,
                        "created_at": now,
                    },
                )
            )
            conn.execute(
                document_versions.insert().values(
                    sha256=doc.sha256,
                    parents=record.inputs,
                    operation=record.operation,
                    profile=record.profile,
                    actor=record.actor,
                    details=record.details,
                    created_at=now,
                )
            )
        if record.effect_key is not None:
            conn.execute(
                effects.insert().values(
                    idempotency_key=record.effect_key,
                    kind=f"document.{record.operation}",
                    payload=record.effect_result or {},
                    created_at=now,
                )
            )
        streams = list(dict.fromkeys(record.inputs)) or [d.sha256 for d in record.outputs[:1]]
        for sha in streams:
            self.audit.append(
                conn,
                stream=f"document:{sha}",
                kind=f"document.{record.operation}",
                actor=record.actor,
                payload=record.audit_payload(),
                subject=sha,
            )

    def record_operation(self, record: OperationRecord) -> None:
        """Record outputs, lineage and audit entries in one transaction."""
        with self.engine.begin() as conn:
            self._write_operation(conn, record)

    def document(self, sha256: str) -> StoredDocument | None:
        """A recorded document, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.sha256 == sha256)).first()
        if row is None:
            return None
        return StoredDocument(row.sha256, row.name, row.media_type, row.size, row.category)

    def effect(self, key: str) -> dict[str, Any] | None:
        """The result recorded under an idempotency key, if any."""
        with self.engine.connect() as conn:
            payload = conn.execute(
                sa.select(effects.c.payload).where(effects.c.idempotency_key == key)
            ).scalar()
        return dict(payload) if payload is not None else None

    def history(self, sha256: str) -> list[dict[str, Any]]:
        """Lineage rows that produced the document, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(document_versions)
                .where(document_versions.c.sha256 == sha256)
                .order_by(document_versions.c.id)
            ).all()
        return [
            {
                "operation": r.operation,
                "parents": r.parents,
                "profile": r.profile,
                "actor": r.actor,
                "details": r.details,
                "at": r.created_at,
            }
            for r in rows
        ]

    # -- profiles --------------------------------------------------------------------
    def profiles(self) -> list[dict[str, Any]]:
        """Stored signature profiles, by category and position."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(signature_profiles.c.definition).order_by(
                    signature_profiles.c.category, signature_profiles.c.position
                )
            ).all()
        return [dict(r.definition) for r in rows]

    def save_profile(self, profile: dict[str, Any], actor: str) -> None:
        """Create or replace a profile, with an audit entry."""
        with self.engine.begin() as conn:
            conn.execute(
                signature_profiles.delete().where(signature_profiles.c.name == profile["name"])
            )
            conn.execute(
                signature_profiles.insert().values(
                    name=profile["name"],
                    category=profile["category"],
                    position=profile.get("order", 1),
                    definition=profile,
                    updated_by=actor,
                    updated_at=utcnow(),
                )
            )
            self.audit.append(
                conn,
                stream=f"signature-profile:{profile['name']}",
                kind="document.profile_saved",
                actor=actor,
                payload=profile,
            )

    # -- signing sessions ------------------------------------------------------------
    def create_session(
        self, session: dict[str, Any], steps: list[dict[str, Any]], record: OperationRecord
    ) -> None:
        """Open a session and its ordered steps, with the draft's lineage and audit."""
        now = utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                signing_sessions.insert().values(**session, created_at=now, updated_at=now)
            )
            for step in steps:
                conn.execute(signing_steps.insert().values(session_id=session["id"], **step))
            self._write_operation(conn, record)

    def session(self, session_id: str) -> dict[str, Any] | None:
        """A session and its steps in signing order."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(signing_sessions).where(signing_sessions.c.id == session_id)
            ).first()
            if row is None:
                return None
            steps = conn.execute(
                sa.select(signing_steps)
                .where(signing_steps.c.session_id == session_id)
                .order_by(signing_steps.c.position)
            ).all()
        return {
            **row._asdict(),
            "steps": [{k: v for k, v in s._asdict().items() if k != "session_id"} for s in steps],
        }

    def complete_step(
        self, session_id: str, position: int, signed_sha256: str, record: OperationRecord
    ) -> None:
        """Mark one co-signer's step signed, only if it is the next pending one."""
        now = utcnow()
        with self.engine.begin() as conn:
            pending = (
                conn.execute(
                    sa.select(signing_steps.c.position)
                    .where(signing_steps.c.session_id == session_id)
                    .where(signing_steps.c.status == "pending")
                    .order_by(signing_steps.c.position)
                )
                .scalars()
                .all()
            )
            if not pending:
                raise NotFound(
                    f"signing session {session_id} has no pending signer", subject="session"
                )
            if pending[0] != position:
                raise Conflict(
                    f"signer {position} cannot sign before signer {pending[0]}",
                    subject=f"signing session {session_id}",
                )
            conn.execute(
                signing_steps.update()
                .where(signing_steps.c.session_id == session_id)
                .where(signing_steps.c.position == position)
                .values(
                    status="signed",
                    signed_sha256=signed_sha256,
                    signed_by=record.actor,
                    signed_at=now,
                )
            )
            conn.execute(
                signing_sessions.update()
                .where(signing_sessions.c.id == session_id)
                .values(
                    current_sha256=signed_sha256,
                    status="completed" if len(pending) == 1 else "open",
                    updated_at=now,
                )
            )
            self._write_operation(conn, record)

    # -- keys ------------------------------------------------------------------------
    def record_keys(self, keys: list[dict[str, Any]], actor: str) -> None:
        """Replace the public metadata of the given keystore entries."""
        now = utcnow()
        with self.engine.begin() as conn:
            for key in keys:
                conn.execute(
                    keystore_entries.delete().where(keystore_entries.c.alias == key["alias"])
                )
                conn.execute(
                    keystore_entries.insert().values(**key, recorded_by=actor, recorded_at=now)
                )
                self.audit.append(
                    conn,
                    stream=f"key:{key['alias']}",
                    kind="document.key_recorded",
                    actor=actor,
                    payload=key,
                )


__all__ = ["SqlDocumentCatalog"]
