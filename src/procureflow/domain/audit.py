"""The audit ledger's rules: hash-chained entries per stream, sealed into a global chain.

An entry's hash covers its stream, position, kind, subject, actor, payload, time and the
previous entry's hash, over canonical JSON. Changing, deleting or reordering any entry
breaks the chain at that point, and :func:`verify_stream` names the first bad entry.
Chaining per stream (an instance, a document, a supplier) keeps many workers from
queueing on one global head; seals chain the heads of all streams together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from procureflow.domain.canonical import digest

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One ledger line as stored."""

    stream: str
    seq: int
    kind: str
    subject: str | None
    actor: str
    payload: Mapping[str, Any]
    at: datetime
    prev_hash: str
    hash: str = ""
    id: int | None = None

    def expected_hash(self) -> str:
        """The hash this entry must carry given its contents and its predecessor."""
        return entry_hash(
            stream=self.stream,
            seq=self.seq,
            kind=self.kind,
            subject=self.subject,
            actor=self.actor,
            payload=self.payload,
            at=self.at,
            prev_hash=self.prev_hash,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form for export."""
        return {
            "id": self.id,
            "stream": self.stream,
            "seq": self.seq,
            "kind": self.kind,
            "subject": self.subject,
            "actor": self.actor,
            "payload": dict(self.payload),
            "at": self.at.isoformat(),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def entry_hash(
    *,
    stream: str,
    seq: int,
    kind: str,
    subject: str | None,
    actor: str,
    payload: Mapping[str, Any],
    at: datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an entry's fields and its predecessor's hash."""
    return digest(
        {
            "stream": stream,
            "seq": seq,
            "kind": kind,
            "subject": subject,
            "actor": actor,
            "payload": payload,
            "at": at.isoformat(timespec="microseconds"),
            "prev": prev_hash,
        }
    )


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Where and how a chain is broken."""

    stream: str
    seq: int
    entry_id: int | None
    problem: str

    def describe(self) -> str:
        """One line for people."""
        where = f"entry {self.entry_id}" if self.entry_id is not None else "entry"
        return f"{where} (stream {self.stream}, position {self.seq}): {self.problem}"


@dataclass(slots=True)
class StreamCheck:
    """The result of walking one stream."""

    stream: str
    entries: int = 0
    head: str = GENESIS
    problem: ChainProblem | None = None
    seqs: list[int] = field(default_factory=list)


def verify_stream(stream: str, entries: Iterable[AuditEntry]) -> StreamCheck:
    """Walk ``entries`` (in stored order) and report the first modified, missing or moved one."""
    check = StreamCheck(stream=stream)
    previous = GENESIS
    expected_seq = 1
    for entry in entries:
        check.entries += 1
        if entry.seq != expected_seq:
            kind = (
                "missing entry before it (deleted)" if entry.seq > expected_seq else "out of order"
            )
            check.problem = ChainProblem(
                stream, entry.seq, entry.id, f"{kind}; expected position {expected_seq}"
            )
            return check
        if entry.prev_hash != previous:
            check.problem = ChainProblem(
                stream,
                entry.seq,
                entry.id,
                "does not follow the previous entry (deleted or reordered)",
            )
            return check
        if entry.expected_hash() != entry.hash:
            check.problem = ChainProblem(
                stream, entry.seq, entry.id, "contents modified after writing"
            )
            return check
        previous = entry.hash
        expected_seq += 1
    check.head = previous
    return check


def seal_hash(seq: int, heads: Mapping[str, Any], at: datetime, prev_hash: str) -> str:
    """Hash of a seal: the heads of all streams at one moment, chained to the previous seal."""
    return digest(
        {"seq": seq, "heads": heads, "at": at.isoformat(timespec="microseconds"), "prev": prev_hash}
    )


__all__ = [
    "GENESIS",
    "AuditEntry",
    "ChainProblem",
    "StreamCheck",
    "entry_hash",
    "seal_hash",
    "verify_stream",
]
