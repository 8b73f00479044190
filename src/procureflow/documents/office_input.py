"""Checks on word-processing files before a converter sees them: is it really a DOCX,
ODT or RTF, and is it not a zip bomb."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from procureflow.errors import DocumentRejected

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
_CHUNK = 1 << 20

_GUESSES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF, which needs no conversion"),
    (b"\x7fELF", "an executable program"),
    (b"MZ", "a Windows executable"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
)


def _guess(data: bytes) -> str:
    for magic, what in _GUESSES:
        if data.startswith(magic):
            return what
    return "an unknown binary or text format"


def _too_big(name: str) -> DocumentRejected:
    return DocumentRejected(
        f"archive inflates to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB "
        "(a zip bomb?); refusing to convert it",
        subject=name,
    )


def _inflated_size(data: bytes, archive: zipfile.ZipFile, name: str) -> int:
    """Inflate every member's raw deflate stream, counting bytes and stopping at the
    limit. The sizes an archive declares can lie (and Python's zipfile trusts them), the
    inflated bytes cannot."""
    total = 0
    for info in archive.infolist():
        header = info.header_offset
        if data[header : header + 4] != b"PK\x03\x04":
            raise DocumentRejected("damaged DOCX/ODT archive (bad local header)", subject=name)
        name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
        start = header + 30 + name_length + extra_length
        raw = memoryview(data)[start : start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            total += len(raw)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-15)
            pending = bytes(raw)
            while pending:
                chunk = inflater.decompress(pending, _CHUNK)
                total += len(chunk)
                if total > MAX_UNCOMPRESSED_BYTES:
                    raise _too_big(name)
                pending = inflater.unconsumed_tail
                if not chunk and not pending:
                    break
        else:
            raise DocumentRejected(
                f"archive member {info.filename!r} uses an unsupported compression", subject=name
            )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _too_big(name)
    return total


def office_kind(data: bytes, *, name: str = "document") -> str:
    """``docx``, ``odt``, ``rtf`` or ``doc`` after checking the content (not the file name);
    DocumentRejected naming what the file looks like otherwise."""
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if not data.startswith(b"PK\x03\x04"):
        raise DocumentRejected(
            f"not a DOCX, ODT or RTF file: it looks like {_guess(data)}", subject=name
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise DocumentRejected(
                    f"archive has {len(entries)} entries (limit {MAX_ZIP_ENTRIES})", subject=name
                )
            declared = sum(info.file_size for info in entries)
            if declared > MAX_UNCOMPRESSED_BYTES:
                raise _too_big(name)
            names = {info.filename for info in entries}
            kind = None
            if "word/document.xml" in names:
                kind = "docx"
            elif "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    kind = "odt"
            if kind is None:
                raise DocumentRejected(
                    "a ZIP archive that is neither a DOCX nor an ODT document", subject=name
                )
            _inflated_size(data, archive, name)
            return kind
    except zipfile.BadZipFile as exc:
        raise DocumentRejected(f"damaged DOCX/ODT archive: {exc}", subject=name) from exc


__all__ = ["MAX_UNCOMPRESSED_BYTES", "office_kind"]
