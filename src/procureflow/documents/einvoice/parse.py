"""Detect an e-invoice's syntax and parse it into an :class:`Invoice`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from procureflow.documents.einvoice.cii import is_cii, parse_cii
from procureflow.documents.einvoice.facturx_pdf import extract_facturx_xml, looks_like_pdf
from procureflow.documents.einvoice.ubl import is_ubl, parse_ubl
from procureflow.documents.einvoice.xml_safety import parse_untrusted_xml
from procureflow.domain.invoice import Invoice
from procureflow.errors import DocumentRejected, InvalidInput

DEFAULT_MAX_BYTES = 100 * 1024 * 1024 - 1


def _parse_xml_invoice(xml: bytes, *, subject: str, sha256: str, embedded: bool) -> Invoice:
    root = parse_untrusted_xml(xml, subject=subject)
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


def parse_einvoice(
    data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Invoice:
    """Parse an e-invoice file's bytes, detecting UBL, CII or a Factur-X PDF.

    The file is refused before any parsing when larger than ``max_bytes``; an invoice
    whose stated totals contradict its lines or each other is refused too, so that
    nothing downstream pays an amount the document does not support.
    """
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
            xml = extract_facturx_xml(data, subject=subject)
            invoice = _parse_xml_invoice(xml, subject=subject, sha256=sha256, embedded=True)
        else:
            invoice = _parse_xml_invoice(data, subject=subject, sha256=sha256, embedded=False)
    except DocumentRejected:
        raise
    except InvalidInput as exc:
        raise DocumentRejected(exc.message, subject=subject) from exc
    except (ValueError, ArithmeticError, etree.LxmlError) as exc:
        raise DocumentRejected(f"cannot read the invoice: {exc}", subject=subject) from exc
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


__all__ = ["DEFAULT_MAX_BYTES", "parse_einvoice", "parse_einvoice_file"]
