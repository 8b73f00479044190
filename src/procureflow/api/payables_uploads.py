"""Reading uploads for the payables routers with a size limit: a file over the limit is
refused with 413 before any of it is parsed or stored."""

from __future__ import annotations

from fastapi import UploadFile

from procureflow.errors import DocumentRejected

CHUNK = 1 << 20
INVOICE_LIMIT = 100 * 1024 * 1024
CONTRACT_LIMIT = 50 * 1024 * 1024


class UploadTooLarge(DocumentRejected):
    """An upload above the size limit (HTTP 413)."""

    status = 413
    title = "Upload too large"


def read_limited(upload: UploadFile, limit: int) -> bytes:
    """The uploaded bytes; UploadTooLarge naming the file and limit when there are more."""
    name = upload.filename or "upload"
    chunks: list[bytes] = []
    size = 0
    while chunk := upload.file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(
                f"file is larger than the limit of {limit} bytes; nothing was stored",
                subject=name,
            )
        chunks.append(chunk)
    return b"".join(chunks)


__all__ = ["CONTRACT_LIMIT", "INVOICE_LIMIT", "UploadTooLarge", "read_limited"]
