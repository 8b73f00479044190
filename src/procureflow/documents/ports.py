"""What the document service needs from the outside world: a blob store and a catalog
(which records documents, their lineage, signing sessions and the audit entry of each
operation in one transaction). Adapters implement these; tests may use the real ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document in the store."""

    sha256: str
    name: str
    media_type: str
    size: int
    category: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sha256": self.sha256,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "category": self.category,
        }


@dataclass(frozen=True, slots=True)
class OperationRecord:
    """One document operation: what went in, what came out, who did it, under which profile."""

    operation: str
    actor: str
    inputs: list[str]
    outputs: list[StoredDocument]
    profile: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    effect_key: str | None = None
    """An idempotency key: recorded with ``effect_result`` in the same transaction, so a
    retried playbook step gets the first result instead of doing the work twice."""
    effect_result: dict[str, Any] | None = None

    def audit_payload(self) -> dict[str, Any]:
        """What the audit ledger keeps about it."""
        return {
            "operation": self.operation,
            "inputs": self.inputs,
            "outputs": [doc.sha256 for doc in self.outputs],
            "profile": self.profile,
            "actor": self.actor,
            "details": self.details,
        }


class BlobStore(Protocol):
    """Content-addressed bytes."""

    max_bytes: int

    def put(self, data: bytes) -> str:
        """Store and return the SHA-256."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes; NotFound otherwise."""
        ...

    def exists(self, sha256: str) -> bool:
        """True when stored."""
        ...

    def quarantine(self, data: bytes, *, reason: str, name: str = "upload") -> Any:
        """Keep refused input aside with the reason."""
        ...


class DocumentCatalog(Protocol):
    """Documents, lineage, profiles, signing sessions, key metadata; audit with each write."""

    def record_operation(self, record: OperationRecord) -> None:
        """Record outputs, their lineage and the audit entry, in one transaction."""
        ...

    def document(self, sha256: str) -> StoredDocument | None:
        """A recorded document."""
        ...

    def effect(self, key: str) -> dict[str, Any] | None:
        """The result recorded under an idempotency key, if any."""
        ...

    def history(self, sha256: str) -> list[dict[str, Any]]:
        """Operations that produced or consumed the document, oldest first."""
        ...

    def profiles(self) -> list[dict[str, Any]]:
        """Stored signature profiles (as dicts)."""
        ...

    def save_profile(self, profile: dict[str, Any], actor: str) -> None:
        """Create or replace a signature profile."""
        ...

    def create_session(
        self, session: dict[str, Any], steps: list[dict[str, Any]], record: OperationRecord
    ) -> None:
        """Open a signing session with its co-signers in order."""
        ...

    def session(self, session_id: str) -> dict[str, Any] | None:
        """A signing session with its steps."""
        ...

    def complete_step(
        self, session_id: str, position: int, signed_sha256: str, record: OperationRecord
    ) -> None:
        """Mark a co-signer's step signed (refused if it is not the next one)."""
        ...

    def record_keys(self, keys: list[dict[str, Any]], actor: str) -> None:
        """Keep the public metadata of keystore entries."""
        ...


__all__ = ["BlobStore", "DocumentCatalog", "OperationRecord", "StoredDocument"]
