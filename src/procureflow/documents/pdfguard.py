"""Opening PDFs that come from outside: refuse what is not a PDF, encrypted or damaged,
and tell whether a PDF carries signatures (signed PDFs are never rewritten)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf

from procureflow.errors import Conflict, DocumentRejected

PDF_MAGIC = b"%PDF-"


def looks_like_pdf(data: bytes) -> bool:
    """True when the file starts (within its first KiB) with the PDF header."""
    return PDF_MAGIC in data[:1024]


def open_pdf(data: bytes, *, name: str = "PDF") -> pikepdf.Pdf:
    """Open ``data`` as a PDF, or raise DocumentRejected saying what is wrong with it.

    A damaged file that qpdf would silently repair is refused too: a contract should not
    be signed in a form nobody has looked at.
    """
    if not looks_like_pdf(data):
        raise DocumentRejected(
            "not a PDF (no %PDF- header): the file may be renamed from another format",
            subject=name,
        )
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise DocumentRejected(
            "encrypted PDF: open it with its password and save an unprotected copy first",
            subject=name,
        ) from exc
    except pikepdf.PdfError as exc:
        raise DocumentRejected(f"damaged PDF that cannot be read: {exc}", subject=name) from exc
    if pdf.is_encrypted:
        pdf.close()
        raise DocumentRejected(
            "encrypted PDF (owner password set): save an unprotected copy first", subject=name
        )
    try:
        page_count = len(pdf.pages)
    except pikepdf.PdfError as exc:
        pdf.close()
        raise DocumentRejected(f"damaged PDF page tree: {exc}", subject=name) from exc
    warnings = pdf.get_warnings()
    if warnings:
        pdf.close()
        first = re.sub(r"^stream <[^>]*>:\s*", "", str(warnings[0]).strip())
        raise DocumentRejected(
            f"damaged PDF (broken cross-reference table or objects; qpdf: {first})",
            subject=name,
        )
    if page_count == 0:
        pdf.close()
        raise DocumentRejected("PDF has no pages", subject=name)
    return pdf


def _fields(fields: pikepdf.Array) -> Iterator[pikepdf.Dictionary]:
    for field in fields:
        if not isinstance(field, pikepdf.Dictionary):
            continue
        yield field
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            yield from _fields(kids)


def signature_field_names(pdf: pikepdf.Pdf) -> list[str]:
    """Names of signature fields that hold a signature value."""
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return []
    fields = acroform.get("/Fields")
    if not isinstance(fields, pikepdf.Array):
        return []
    names: list[str] = []
    for field in _fields(fields):
        if field.get("/FT") == pikepdf.Name.Sig and "/V" in field:
            names.append(str(field.get("/T", "")))
    return names


def is_signed(data: bytes) -> bool:
    """True when the PDF carries at least one signature."""
    if b"/ByteRange" not in data:
        return False
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return bool(signature_field_names(pdf))


def refuse_if_signed(data: bytes, *, operation: str, unsigned_copy: bool, name: str) -> None:
    """Signing is always last: refuse ``operation`` on a signed PDF unless the caller asks
    explicitly for an unsigned copy (whose signatures are then dropped)."""
    if not unsigned_copy and is_signed(data):
        raise Conflict(
            f"{operation} would rewrite a signed PDF and break its signatures; "
            "ask for an unsigned copy explicitly if that is what you want",
            subject=name,
        )


def strip_signatures(pdf: pikepdf.Pdf) -> int:
    """Remove signature values (and their widgets' appearance of being signed) from a copy;
    returns how many were dropped."""
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return 0
    fields = acroform.get("/Fields")
    dropped = 0
    if isinstance(fields, pikepdf.Array):
        for field in _fields(fields):
            if field.get("/FT") == pikepdf.Name.Sig and "/V" in field:
                del field["/V"]
                dropped += 1
    if "/SigFlags" in acroform:
        del acroform["/SigFlags"]
    if "/Perms" in pdf.Root:
        del pdf.Root["/Perms"]
    return dropped


__all__ = [
    "PDF_MAGIC",
    "is_signed",
    "looks_like_pdf",
    "open_pdf",
    "refuse_if_signed",
    "signature_field_names",
    "strip_signatures",
]
