"""The audit ledger on the relational store: append inside the caller's transaction,
verify every stream and the seal chain, export JSONL."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import sqlalchemy as sa

from procureflow.adapters.db.tables import audit_entries, audit_heads, audit_seals
from procureflow.domain.audit import (
    GENESIS,
    AuditEntry,
    ChainProblem,
    entry_hash,
    seal_hash,
    verify_stream,
)
from procureflow.domain.canonical import canonical_json, to_jsonable
from procureflow.domain.clock import utcnow


@dataclass(slots=True)
class VerifyReport:
    """What ``audit verify`` prints."""

    ok: bool
    entries: int
    streams: int
    seals: int
    problems: list[ChainProblem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        first = self.problems[0] if self.problems else None
        return {
            "ok": self.ok,
            "entries": self.entries,
            "streams": self.streams,
            "seals": self.seals,
            "first_problem": None
            if first is None
            else {
                "entry_id": first.entry_id,
                "stream": first.stream,
                "seq": first.seq,
                "problem": first.problem,
                "message": first.describe(),
            },
            "problems": [p.describe() for p in self.problems],
        }


# Built once: constructing SQLAlchemy statements costs more than running them on SQLite,
# and every task of every instance appends an entry.
_SELECT_HEAD_FOR_UPDATE = (
    sa.select(audit_heads.c.seq, audit_heads.c.hash)
    .where(audit_heads.c.stream == sa.bindparam("stream"))
    .with_for_update()
)
_INSERT_ENTRY = audit_entries.insert()
_UPDATE_HEAD = (
    audit_heads.update()
    .where(audit_heads.c.stream == sa.bindparam("b_stream"))
    .values(seq=sa.bindparam("b_seq"), hash=sa.bindparam("b_hash"))
)


def _row_to_entry(row: sa.Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        stream=row.stream,
        seq=row.seq,
        kind=row.kind,
        subject=row.subject,
        actor=row.actor,
        payload=row.payload,
        at=row.at,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlAuditLog:
    """Append-only, hash-chained ledger. One chain per stream; seals chain all heads."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def append(
        self,
        conn: sa.Connection,
        *,
        stream: str,
        kind: str,
        actor: str,
        payload: Mapping[str, Any],
        subject: str | None = None,
    ) -> AuditEntry:
        """Append one entry inside ``conn``'s transaction, so it commits with the change it records."""
        head = conn.execute(_SELECT_HEAD_FOR_UPDATE, {"stream": stream}).first()
        if head is not None:
            previous_seq, previous_hash = head.seq, head.hash
        elif insert_if_absent(conn, audit_heads, {"stream": stream, "seq": 0, "hash": GENESIS}):
            # A new stream: the row this transaction just inserted is its head (and locked).
            previous_seq, previous_hash = 0, GENESIS
        else:  # another writer created the stream a moment ago
            head = conn.execute(_SELECT_HEAD_FOR_UPDATE, {"stream": stream}).one()
            previous_seq, previous_hash = head.seq, head.hash
        at = utcnow()
        clean = to_jsonable(dict(payload))
        seq = previous_seq + 1
        hash_ = entry_hash(
            stream=stream,
            seq=seq,
            kind=kind,
            subject=subject,
            actor=actor,
            payload=clean,
            at=at,
            prev_hash=previous_hash,
        )
        values = {
            "stream": stream,
            "seq": seq,
            "kind": kind,
            "subject": subject,
            "actor": actor,
            "payload": clean,
            "at": at,
            "prev_hash": previous_hash,
            "hash": hash_,
        }
        conn.execute(_INSERT_ENTRY, values)
        conn.execute(_UPDATE_HEAD, {"b_stream": stream, "b_seq": seq, "b_hash": hash_})
        return AuditEntry(id=None, **values)

    def record(
        self,
        *,
        stream: str,
        kind: str,
        actor: str,
        payload: Mapping[str, Any],
        subject: str | None = None,
    ) -> AuditEntry:
        """Append one entry in a transaction of its own."""
        with self.engine.begin() as conn:
            return self.append(
                conn, stream=stream, kind=kind, actor=actor, payload=payload, subject=subject
            )

    def seal(self) -> int:
        """Chain the current heads of all streams into the global seal chain; returns its number."""
        with self.engine.begin() as conn:
            last = conn.execute(
                sa.select(audit_seals.c.seq, audit_seals.c.hash)
                .order_by(audit_seals.c.seq.desc())
                .limit(1)
            ).first()
            heads = {
                r.stream: [r.seq, r.hash]
                for r in conn.execute(sa.select(audit_heads).order_by(audit_heads.c.stream))
            }
            seq = (last.seq if last else 0) + 1
            prev = last.hash if last else GENESIS
            at = utcnow()
            conn.execute(
                audit_seals.insert().values(
                    seq=seq,
                    heads=heads,
                    at=at,
                    prev_hash=prev,
                    hash=seal_hash(seq, heads, at, prev),
                )
            )
            return seq

    def entries(self, stream: str | None = None) -> Iterator[AuditEntry]:
        """Entries in stored order, one stream or all."""
        query = sa.select(audit_entries).order_by(audit_entries.c.id)
        if stream is not None:
            query = query.where(audit_entries.c.stream == stream)
        with self.engine.connect() as conn:
            for row in conn.execute(query.execution_options(yield_per=2000)):
                yield _row_to_entry(row)

    def verify(self) -> VerifyReport:
        """Check every stream's chain, each stream against its recorded head, and every seal."""
        by_stream: dict[str, list[AuditEntry]] = {}
        total = 0
        for entry in self.entries():
            by_stream.setdefault(entry.stream, []).append(entry)
            total += 1
        problems: list[ChainProblem] = []
        heads_seen: dict[str, tuple[int, str]] = {}
        for stream, stream_entries in by_stream.items():
            check = verify_stream(stream, stream_entries)
            if check.problem:
                problems.append(check.problem)
            else:
                heads_seen[stream] = (check.entries, check.head)
        with self.engine.connect() as conn:
            recorded = {r.stream: (r.seq, r.hash) for r in conn.execute(sa.select(audit_heads))}
            seals = list(conn.execute(sa.select(audit_seals).order_by(audit_seals.c.seq)))
        for stream, (seq, hash_) in recorded.items():
            if stream in heads_seen and heads_seen[stream] != (seq, hash_):
                problems.append(
                    ChainProblem(
                        stream, seq, None, f"last entry (position {seq}) deleted or head altered"
                    )
                )
            elif stream not in by_stream and seq > 0:
                problems.append(ChainProblem(stream, 1, None, "all entries of the stream deleted"))
        problems.extend(self._verify_seals(seals, by_stream))
        problems.sort(key=lambda p: (p.entry_id is None, p.entry_id or 0))
        return VerifyReport(
            ok=not problems,
            entries=total,
            streams=len(by_stream),
            seals=len(seals),
            problems=problems,
        )

    @staticmethod
    def _verify_seals(
        seals: list[sa.Row[Any]], by_stream: Mapping[str, list[AuditEntry]]
    ) -> list[ChainProblem]:
        problems: list[ChainProblem] = []
        previous = GENESIS
        for seal in seals:
            if (
                seal.prev_hash != previous
                or seal_hash(seal.seq, seal.heads, seal.at, seal.prev_hash) != seal.hash
            ):
                problems.append(
                    ChainProblem("seals", seal.seq, None, "seal modified or out of order")
                )
                break
            previous = seal.hash
            for stream, (seq, hash_) in seal.heads.items():
                entries = by_stream.get(stream, [])
                if seq > 0 and (len(entries) < seq or entries[seq - 1].hash != hash_):
                    problems.append(
                        ChainProblem(stream, seq, None, f"does not match seal {seal.seq}")
                    )
        return problems

    def export(
        self, out: IO[str], stream: str | None = None, tick: Callable[[], None] | None = None
    ) -> int:
        """Write every entry as one JSON line; returns how many. ``tick`` runs per entry."""
        count = 0
        for entry in self.entries(stream):
            out.write(canonical_json(entry.to_json()) + "\n")
            count += 1
            if tick is not None:
                tick()
        return count

    def count(self, stream: str | None = None) -> int:
        """How many entries the ledger (or one stream) holds."""
        query = sa.select(sa.func.count()).select_from(audit_entries)
        if stream is not None:
            query = query.where(audit_entries.c.stream == stream)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())


def _insert_ignore(conn: sa.Connection, table: sa.Table, values: dict[str, Any]) -> Any:
    """INSERT that does nothing when the primary key exists, on SQLite and Postgres."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).values(**values).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).values(**values).on_conflict_do_nothing()


def insert_if_absent(conn: sa.Connection, table: sa.Table, values: dict[str, Any]) -> bool:
    """Insert ``values`` unless a row with the same key exists; True when inserted.

    Uses RETURNING rather than the row count, which drivers do not all report for
    ``ON CONFLICT DO NOTHING``.
    """
    key = list(table.primary_key.columns)[0]
    statement = _insert_ignore(conn, table, values).returning(key)
    return conn.execute(statement).first() is not None


__all__ = ["SqlAuditLog", "VerifyReport", "insert_if_absent", "insert_ignore"]

insert_ignore = _insert_ignore
