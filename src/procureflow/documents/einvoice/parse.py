"""Detect an e-invoice's syntax and parse it into an :class:`Invoice`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from procureflow.documents.einvoice.cii import is_cii, parse_cii
from procureflow.documents.einvoice.facturx_pdf import extract_facturx, looks_like_pdf
from procureflow.documents.einvoice.ubl import is_ubl, parse_ubl
from procureflow.documents.einvoice.xml_safety import parse_untrusted_xml
from procureflow.domain.invoice import Invoice
from procureflow.errors import DocumentRejected, InvalidInput

DEFAULT_MAX_BYTES = 100 * 1024 * 1024 - 1


@dataclass(frozen=True)
class ParsedDocument:
    """An invoice as read, with the XML it was read from (for validation).

    ``embedded_name`` is the name of the invoice file inside a Factur-X PDF, None for XML.
    """

    invoice: Invoice
    root: etree._Element
    embedded_name: str | None = None


def _parse_xml_invoice(xml: bytes, *, subject: str, sha256: str, embedded: bool) -> ParsedDocument:
    root = parse_untrusted_xml(xml, subject=subject)
    return ParsedDocument(
        _invoice_of(root, subject=subject, sha256=sha256, embedded=embedded), root
    )


def _invoice_of(root: etree._Element, *, subject: str, sha256: str, embedded: bool) -> Invoice:
    if is_ubl(root):
        if embedded:
            raise DocumentRejected("PDF embeds a UBL document, not Factur-X CII", subject=subject)
        return parse_ubl(root, subject=subject, sha256=sha256)
    if is_cii(root):
        return parse_cii(
            root, subject=subject, sha256=sha256, syntax="factur-x" if embedded else "cii"
        )
    tag = etree.QName(root)
    if tag.localname == "CrossIndustryDocument":
        raise DocumentRejected(
            "ZUGFeRD 1.0 (CrossIndustryDocument) is not supported; "
            "ask the supplier for ZUGFeRD 2 / Factur-X, UBL or CII",
            subject=subject,
        )
    raise DocumentRejected(
        f"not an invoice: root element {tag.localname!r} in namespace {tag.namespace or 'none'!r} "
        "is neither UBL Invoice/CreditNote nor UN/CEFACT CrossIndustryInvoice",
        subject=subject,
    )


def parse_document(
    data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParsedDocument:
    """Read an e-invoice file's bytes, detecting UBL, CII or a Factur-X PDF, without judging
    its totals: what cannot be read at all (oversized, unsafe or broken XML, no invoice,
    a required amount missing) is refused with :class:`DocumentRejected`."""
    subject = filename or "e-invoice"
    if len(data) > max_bytes:
        raise DocumentRejected(
            f"file is {len(data):,} bytes, above the limit of {max_bytes:,} bytes", subject=subject
        )
    if not data.strip():
        raise DocumentRejected("file is empty", subject=subject)
    sha256 = hashlib.sha256(data).hexdigest()
    is_pdf_name = bool(filename and filename.lower().endswith(".pdf"))
    try:
        if looks_like_pdf(data) or is_pdf_name:
            name, xml = extract_facturx(data, subject=subject)
            parsed = _parse_xml_invoice(xml, subject=subject, sha256=sha256, embedded=True)
            return ParsedDocument(parsed.invoice, parsed.root, embedded_name=name)
        return _parse_xml_invoice(data, subject=subject, sha256=sha256, embedded=False)
    except DocumentRejected:
        raise
    except InvalidInput as exc:
        raise DocumentRejected(exc.message, subject=subject) from exc
    except (ValueError, ArithmeticError, etree.LxmlError) as exc:
        raise DocumentRejected(f"cannot read the invoice: {exc}", subject=subject) from exc


def parse_einvoice(
    data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Invoice:
    """Parse an e-invoice file's bytes, detecting UBL, CII or a Factur-X PDF.

    The file is refused before any parsing when larger than ``max_bytes``; an invoice
    whose stated totals contradict its lines or each other is refused too, so that
    nothing downstream pays an amount the document does not support. Intake uses
    :func:`procureflow.documents.einvoice.validate.read_einvoice`, which keeps such an
    invoice for accounts payable with every finding of the official artefacts instead.
    """
    subject = filename or "e-invoice"
    invoice = parse_document(data, filename, max_bytes=max_bytes).invoice
    problems = invoice.arithmetic_problems()
    if problems:
        raise DocumentRejected(
            f"invoice {invoice.number} does not add up: " + "; ".join(problems), subject=subject
        )
    return invoice


def parse_einvoice_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Invoice:
    """Parse the e-invoice at ``path``; a file above ``max_bytes`` is refused without reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentRejected(f"cannot read the file: {exc.strerror}", subject=path.name) from exc
    if size > max_bytes:
        raise DocumentRejected(
            f"file is {size:,} bytes, above the limit of {max_bytes:,} bytes", subject=path.name
        )
    return parse_einvoice(path.read_bytes(), path.name, max_bytes=max_bytes)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "ParsedDocument",
    "parse_document",
    "parse_einvoice",
    "parse_einvoice_file",
]
