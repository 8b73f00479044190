"""Duplicate invoices: the same bill sent twice must not be paid twice.

Exact duplicates: the same supplier and the same invoice number once punctuation,
case and leading zeros are ignored ("INV-00042" = "inv 42"), or the very same file.
Near duplicates: the same supplier and amount, dated within a few days, with a similar
number: these go to a person for review and are never rejected automatically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from difflib import SequenceMatcher

from procureflow.domain.invoice import DocumentType, Invoice
from procureflow.domain.matching_outcomes import Finding, Outcome
from procureflow.errors import InvalidInput

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_DIGIT_RUN = re.compile(r"\d+")


def normalise_invoice_number(number: str) -> str:
    """Upper case, punctuation and blanks removed, leading zeros of each digit run dropped."""
    cleaned = _NOT_ALNUM.sub("", number.upper())
    return _DIGIT_RUN.sub(lambda m: m.group(0).lstrip("0") or "0", cleaned)


@dataclass(frozen=True)
class InvoiceFingerprint:
    """What duplicate detection compares: kept for every invoice already received."""

    supplier_key: str
    number: str
    document_type: DocumentType
    issue_date: date
    currency: str
    amount: Decimal
    file_sha256: str | None = None
    invoice_id: str | None = None

    @property
    def normalised_number(self) -> str:
        """The invoice number in comparable form."""
        return normalise_invoice_number(self.number)

    @classmethod
    def of(cls, invoice: Invoice, *, invoice_id: str | None = None) -> InvoiceFingerprint:
        """The fingerprint of a parsed invoice."""
        return cls(
            supplier_key=invoice.supplier.key,
            number=invoice.number,
            document_type=invoice.document_type,
            issue_date=invoice.issue_date,
            currency=invoice.currency,
            amount=invoice.totals.payable,
            file_sha256=invoice.source_sha256,
            invoice_id=invoice_id,
        )


@dataclass(frozen=True)
class DuplicatePolicy:
    """How near is near: days apart, number similarity (0..1) and amount difference allowed."""

    window_days: int = 14
    number_similarity: float = 0.75
    amount_tolerance: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.window_days < 0:
            raise InvalidInput("duplicate window_days cannot be negative")
        if not 0 <= self.number_similarity <= 1:
            raise InvalidInput("duplicate number_similarity must be between 0 and 1")


def _numbers_similar(a: str, b: str, threshold: float) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return SequenceMatcher(None, a, b).ratio() >= threshold


def find_duplicates(
    candidate: InvoiceFingerprint,
    previous: Iterable[InvoiceFingerprint],
    policy: DuplicatePolicy | None = None,
) -> list[Finding]:
    """Findings ``duplicate`` / ``possible_duplicate`` for ``candidate`` against earlier invoices."""
    policy = policy or DuplicatePolicy()
    findings: list[Finding] = []
    number = candidate.normalised_number
    for earlier in previous:
        if earlier.invoice_id is not None and earlier.invoice_id == candidate.invoice_id:
            continue
        reference = earlier.invoice_id or earlier.number
        figures = {
            "earlier_invoice": reference,
            "earlier_number": earlier.number,
            "earlier_issue_date": earlier.issue_date.isoformat(),
            "earlier_amount": str(earlier.amount),
        }
        if candidate.file_sha256 and candidate.file_sha256 == earlier.file_sha256:
            findings.append(
                Finding(
                    Outcome.DUPLICATE,
                    f"the same file was already received as invoice {reference}",
                    {**figures, "file_sha256": candidate.file_sha256},
                )
            )
            continue
        if earlier.supplier_key != candidate.supplier_key:
            continue
        same_type = earlier.document_type == candidate.document_type
        if same_type and earlier.normalised_number == number:
            findings.append(
                Finding(
                    Outcome.DUPLICATE,
                    f"supplier already sent invoice number {earlier.number!r} ({reference})",
                    {**figures, "normalised_number": number},
                )
            )
            continue
        days_apart = abs((candidate.issue_date - earlier.issue_date).days)
        if (
            same_type
            and earlier.currency == candidate.currency
            and abs(earlier.amount - candidate.amount) <= policy.amount_tolerance
            and days_apart <= policy.window_days
            and _numbers_similar(earlier.normalised_number, number, policy.number_similarity)
        ):
            findings.append(
                Finding(
                    Outcome.POSSIBLE_DUPLICATE,
                    f"same supplier and amount {candidate.amount} {candidate.currency} as "
                    f"invoice {earlier.number!r} {days_apart} days apart, with a similar number",
                    {**figures, "days_apart": str(days_apart)},
                )
            )
    return findings


__all__ = [
    "DuplicatePolicy",
    "InvoiceFingerprint",
    "find_duplicates",
    "normalise_invoice_number",
]
