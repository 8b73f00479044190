"""Content-addressed document store on a local directory.

A file is stored under its SHA-256 (``blobs/ab/abcdef…``), written to a temporary file
first and renamed into place, so a reader never sees half a file and a crash or a
rejected upload leaves nothing behind. Input that is refused is copied to
``quarantine/`` with a note saying why, for a person to look at.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from procureflow.domain.clock import utcnow
from procureflow.errors import DocumentRejected, IntegrityError, NotFound

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[:80]
    return cleaned or "upload"


class LocalContentStore:
    """SHA-256 addressed blobs under ``root``; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path, *, max_bytes: int = 50 * 1024 * 1024) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.blobs = self.root / "blobs"
        self.tmp = self.root / "tmp"
        self.quarantine_dir = self.root / "quarantine"
        for folder in (self.blobs, self.tmp, self.quarantine_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        if not _SHA256.match(sha256):
            raise NotFound(f"not a SHA-256 hex digest: {sha256!r}", subject="document")
        return self.blobs / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        """True when the blob is stored."""
        return self.path_of(sha256).is_file()

    def get(self, sha256: str) -> bytes:
        """The stored bytes; NotFound when the hash names nothing."""
        path = self.path_of(sha256)
        if not path.is_file():
            raise NotFound(f"no stored document with SHA-256 {sha256}", subject="document")
        return path.read_bytes()

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256; refuses more than ``max_bytes``."""
        return self.put_chunks([data])

    def put_file(self, path: Path) -> str:
        """Store a file from disk, streamed; returns its SHA-256."""
        with Path(path).open("rb") as handle:
            return self.put_stream(handle)

    def put_stream(self, stream: BinaryIO) -> str:
        """Store everything read from ``stream``; refused (and nothing kept) above the limit."""
        return self.put_chunks(iter(lambda: stream.read(_CHUNK), b""))

    def put_chunks(self, chunks: Iterable[bytes]) -> str:
        """Hash and write chunks to a temp file, then rename it to its hash."""
        hasher = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="incoming-")
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise DocumentRejected(
                            f"file larger than the {self.max_bytes // (1024 * 1024)} MB limit",
                            subject="upload",
                        )
                    hasher.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = hasher.hexdigest()
            final = self.path_of(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.is_file():
                tmp_path.unlink()
            else:
                tmp_path.chmod(0o444)
                os.replace(tmp_path, final)
            return sha256
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise

    def verify(self, sha256: str) -> None:
        """Recompute a blob's hash; IntegrityError when the file was altered on disk."""
        hasher = hashlib.sha256()
        with self.path_of(sha256).open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                hasher.update(chunk)
        if hasher.hexdigest() != sha256:
            raise IntegrityError(
                f"stored file no longer matches its SHA-256 {sha256}", subject="document"
            )

    def quarantine(self, data: bytes, *, reason: str, name: str = "upload") -> Path:
        """Keep refused input aside (capped at ``max_bytes``) with a note saying why."""
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        digest = hashlib.sha256(data).hexdigest()[:16]
        target = self.quarantine_dir / f"{stamp}-{digest}-{_safe_name(name)}"
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="quarantine-")
        with os.fdopen(fd, "wb") as out:
            out.write(data[: self.max_bytes])
        os.replace(tmp_name, target)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        return target

    def quarantined(self) -> list[Path]:
        """Files in quarantine (without their notes), oldest first."""
        return sorted(p for p in self.quarantine_dir.iterdir() if not p.name.endswith(".txt"))


__all__ = ["LocalContentStore"]
