"""Signature verification with pyHanko: per signature, is it intact, trusted (against the
organisation CA), what does it cover, and was the document changed after signing.

A document is valid only if it has at least one signature and every signature is intact,
trusted and followed by nothing but further signatures.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from procureflow.documents.pdfguard import looks_like_pdf
from procureflow.errors import DocumentRejected

# pyHanko logs every failed difference analysis with a traceback; the report says it.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko").propagate = False

# Changes after a signature that do not invalidate it: nothing, or further signatures
# (form filling) and long-term validation data.
_ACCEPTED_MODIFICATIONS = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


@dataclass(slots=True)
class SignatureReport:
    """The verdict on one signature."""

    field_name: str
    signer: str | None
    signed_at: str | None
    intact: bool
    trusted: bool
    coverage: str
    covers: str
    modification: str | None
    modified_after_signing: bool
    valid: bool
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "field": self.field_name,
            "signer": self.signer,
            "signed_at": self.signed_at,
            "intact": self.intact,
            "trusted": self.trusted,
            "coverage": self.coverage,
            "covers": self.covers,
            "modification": self.modification,
            "modified_after_signing": self.modified_after_signing,
            "valid": self.valid,
            "problems": self.problems,
        }


@dataclass(slots=True)
class VerificationReport:
    """The verdict on a document."""

    valid: bool
    signatures: list[SignatureReport]
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "valid": self.valid,
            "signature_count": len(self.signatures),
            "signatures": [s.to_json() for s in self.signatures],
            "problems": self.problems,
        }


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _covers(embedded: Any, total: int) -> str:
    """Which revision of the file the signature covers, in words."""
    try:
        revision = int(embedded.signed_revision) + 1
    except (AttributeError, TypeError, ValueError):
        return "unknown"
    later = total - revision
    tail = "nothing was added after it" if later == 0 else f"{later} later revision(s) follow"
    return f"revision {revision} of {total}; {tail}"


def _one(embedded: Any, context: ValidationContext, total: int) -> SignatureReport:
    name = str(embedded.field_name)
    try:
        status = validate_pdf_signature(embedded, context)
    except (PdfError, ValueError, KeyError) as exc:
        return SignatureReport(
            name,
            None,
            None,
            False,
            False,
            "unknown",
            "unknown",
            None,
            True,
            False,
            [f"signature cannot be checked: {exc}"],
        )
    coverage = status.coverage.name if status.coverage else "UNKNOWN"
    level = status.modification_level.name if status.modification_level else None
    modified = coverage != "ENTIRE_FILE" and (
        level not in _ACCEPTED_MODIFICATIONS or not status.docmdp_ok
    )
    problems = []
    if not status.intact:
        problems.append("the signed bytes were changed (digest mismatch)")
    elif not status.valid:
        problems.append("the cryptographic signature does not verify")
    if status.intact and not status.trusted:  # a broken digest stops the trust check
        problems.append("the signer's certificate does not chain to a trusted CA")
    if modified:
        problems.append(f"the document was modified after this signature ({level or 'unknown'})")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
    ok = bool(status.intact and status.valid and status.trusted and not modified)
    return SignatureReport(
        name,
        signer,
        signed_at,
        bool(status.intact),
        bool(status.trusted),
        coverage,
        _covers(embedded, total),
        level,
        modified,
        ok,
        problems,
    )


def verify_pdf(
    data: bytes, trust_roots: list[x509.Certificate], *, name: str = "PDF"
) -> VerificationReport:
    """Check every signature of ``data`` against ``trust_roots`` (no network access)."""
    if not looks_like_pdf(data):
        raise DocumentRejected("not a PDF (no %PDF- header)", subject=name)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        return VerificationReport(False, [], [f"the PDF structure cannot be read: {exc}"])
    if not embedded:
        return VerificationReport(False, [], ["the document carries no signature"])
    context = ValidationContext(trust_roots=[_asn1(c) for c in trust_roots], allow_fetching=False)
    total = int(reader.xrefs.total_revisions)
    reports = [_one(sig, context, total) for sig in embedded]
    problems = [f"{r.field_name}: {p}" for r in reports for p in r.problems]
    return VerificationReport(all(r.valid for r in reports), reports, problems)


__all__ = ["SignatureReport", "VerificationReport", "verify_pdf"]
