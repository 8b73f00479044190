"""Factur-X / ZUGFeRD: the CII invoice embedded in a PDF/A-3, read with the ``factur-x`` package."""

from __future__ import annotations

import io

import pikepdf
from facturx import get_xml_from_pdf

from procureflow.documents.einvoice.xml_safety import refuse_unsafe_xml
from procureflow.errors import DocumentRejected

PDF_MAGIC = b"%PDF-"
_EOF_MARKER = b"%%EOF"
# Writers may put a few bytes (newlines, NULs) after the final end-of-file marker.
_EOF_SEARCH_TAIL = 2048


def looks_like_pdf(data: bytes) -> bool:
    """True when ``data`` starts (within its first KiB) with the PDF header."""
    return PDF_MAGIC in data[:1024]


def _embedded_xml_files(data: bytes, subject: str) -> dict[str, bytes]:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return {
                name: spec.get_file().read_bytes()
                for name, spec in pdf.attachments.items()
                if name.lower().endswith(".xml")
            }
    except pikepdf.PasswordError as exc:
        raise DocumentRejected(
            "PDF is encrypted; cannot read its invoice", subject=subject
        ) from exc
    except pikepdf.PdfError as exc:
        raise DocumentRejected(f"PDF cannot be read: {exc}", subject=subject) from exc


def extract_facturx_xml(data: bytes, *, subject: str) -> bytes:
    """The invoice XML embedded in a Factur-X / ZUGFeRD PDF (see :func:`extract_facturx`)."""
    return extract_facturx(data, subject=subject)[1]


def extract_facturx(data: bytes, *, subject: str) -> tuple[str, bytes]:
    """The name under which the invoice XML is embedded in a Factur-X / ZUGFeRD PDF, and the XML.

    Refuses, with the reason, a truncated or unreadable PDF, one without an embedded
    invoice XML, and one whose embedded XML declares entities.
    """
    if not looks_like_pdf(data):
        raise DocumentRejected("file is not a PDF (no %PDF- header)", subject=subject)
    if _EOF_MARKER not in data[-_EOF_SEARCH_TAIL:]:
        raise DocumentRejected(
            "PDF is truncated (no end-of-file marker); ask the supplier to send it again",
            subject=subject,
        )
    embedded = _embedded_xml_files(data, subject)
    if not embedded:
        raise DocumentRejected(
            "PDF has no embedded e-invoice XML (not a Factur-X / ZUGFeRD invoice)",
            subject=subject,
        )
    for name, content in embedded.items():
        refuse_unsafe_xml(content, subject=f"{subject} ({name})")
    try:
        filename, xml = get_xml_from_pdf(data, check_xsd=False)
    except Exception as exc:  # the library raises bare PDF reader errors of many kinds
        raise DocumentRejected(f"PDF cannot be read: {exc}", subject=subject) from exc
    if not xml:
        names = ", ".join(sorted(embedded))
        raise DocumentRejected(
            f"PDF embeds {names} but none is a Factur-X / ZUGFeRD invoice", subject=subject
        )
    return str(filename), bytes(xml)


__all__ = ["extract_facturx", "extract_facturx_xml", "looks_like_pdf"]
