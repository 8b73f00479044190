"""What matching concluded: reason codes, the figures behind them, who resolves them.

Every finding names its reason code, a sentence for a person, the role that resolves it
(the exception queue routes on it) and the numbers it was decided on. The decision
for the whole invoice follows from the findings: an exact duplicate is rejected, any
other finding sends the invoice to review, and no finding means it may be paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """Reason codes of matching; ``matched`` means nothing is wrong."""

    MATCHED = "matched"
    PRICE_OVER_TOLERANCE = "price_over_tolerance"
    PRICE_UNDER_TOLERANCE = "price_under_tolerance"
    QUANTITY_OVER_ORDERED = "quantity_over_ordered"
    QUANTITY_UNDER_ORDERED = "quantity_under_ordered"
    QUANTITY_OVER_RECEIVED = "quantity_over_received"
    QUANTITY_UNDER_RECEIVED = "quantity_under_received"
    MISSING_RECEIPT = "missing_receipt"
    MISSING_PO = "missing_po"
    MISSING_PO_LINE = "missing_po_line"
    MILESTONE_NOT_COMPLETED = "milestone_not_completed"
    MILESTONE_AMOUNT_EXCEEDED = "milestone_amount_exceeded"
    CREDIT_EXCEEDS_INVOICED = "credit_exceeds_invoiced"
    CURRENCY_MISMATCH = "currency_mismatch"
    SUPPLIER_MISMATCH = "supplier_mismatch"
    UNPLANNED_CHARGES = "unplanned_charges"
    DUPLICATE = "duplicate"
    POSSIBLE_DUPLICATE = "possible_duplicate"


OWNER_ROLES: Mapping[Outcome, str] = {
    Outcome.MATCHED: "accounts_payable",
    Outcome.PRICE_OVER_TOLERANCE: "buyer",
    Outcome.PRICE_UNDER_TOLERANCE: "buyer",
    Outcome.QUANTITY_OVER_ORDERED: "buyer",
    Outcome.QUANTITY_UNDER_ORDERED: "buyer",
    Outcome.QUANTITY_OVER_RECEIVED: "receiving",
    Outcome.QUANTITY_UNDER_RECEIVED: "receiving",
    Outcome.MISSING_RECEIPT: "requester",
    Outcome.MISSING_PO: "accounts_payable",
    Outcome.MISSING_PO_LINE: "accounts_payable",
    Outcome.MILESTONE_NOT_COMPLETED: "project_manager",
    Outcome.MILESTONE_AMOUNT_EXCEEDED: "project_manager",
    Outcome.CREDIT_EXCEEDS_INVOICED: "accounts_payable",
    Outcome.CURRENCY_MISMATCH: "accounts_payable",
    Outcome.SUPPLIER_MISMATCH: "accounts_payable",
    Outcome.UNPLANNED_CHARGES: "buyer",
    Outcome.DUPLICATE: "accounts_payable",
    Outcome.POSSIBLE_DUPLICATE: "accounts_payable",
}


class MatchDecision(StrEnum):
    """What happens to the invoice: paid, looked at by a person, or refused as a duplicate."""

    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"


@dataclass(frozen=True)
class Finding:
    """One reason code with its explanation, owner role and the figures behind it."""

    code: Outcome
    message: str
    figures: Mapping[str, str] = field(default_factory=dict)
    line_id: str | None = None

    @property
    def owner_role(self) -> str:
        """The role that resolves this finding in the exception queue."""
        return OWNER_ROLES[self.code]

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form for the API, the CLI and the audit ledger."""
        return {
            "code": self.code.value,
            "message": self.message,
            "owner_role": self.owner_role,
            "figures": dict(self.figures),
            "line_id": self.line_id,
        }


@dataclass(frozen=True)
class LineMatch:
    """How one invoice line fared: which PO line it was paired with, by what, and the findings."""

    invoice_line_id: str
    po_line_id: str | None
    matched_by: str | None
    findings: tuple[Finding, ...] = ()

    @property
    def outcome(self) -> Outcome:
        """The first finding's code, or ``matched`` when there is none."""
        return self.findings[0].code if self.findings else Outcome.MATCHED

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form."""
        return {
            "invoice_line_id": self.invoice_line_id,
            "po_line_id": self.po_line_id,
            "matched_by": self.matched_by,
            "outcome": self.outcome.value,
            "findings": [f.to_json() for f in self.findings],
        }


def decide(findings: Iterable[Finding]) -> MatchDecision:
    """Reject an exact duplicate; send anything else found to review; otherwise approve.

    A possible duplicate is never rejected automatically: a person decides.
    """
    codes = {finding.code for finding in findings}
    if Outcome.DUPLICATE in codes:
        return MatchDecision.REJECT
    if codes - {Outcome.MATCHED}:
        return MatchDecision.REVIEW
    return MatchDecision.APPROVE


@dataclass(frozen=True)
class MatchResult:
    """The verdict on one invoice: header findings, line by line results and the decision."""

    invoice_number: str
    po_number: str | None
    mode: str
    lines: tuple[LineMatch, ...]
    header_findings: tuple[Finding, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Header findings first, then each line's findings in line order."""
        return self.header_findings + tuple(f for line in self.lines for f in line.findings)

    @property
    def reason_codes(self) -> list[str]:
        """The distinct reason codes, in the order first found; ``["matched"]`` when clean."""
        codes = list(dict.fromkeys(f.code.value for f in self.findings))
        return codes or [Outcome.MATCHED.value]

    @property
    def decision(self) -> MatchDecision:
        """What happens to the invoice (see :func:`decide`)."""
        return decide(self.findings)

    @property
    def matched(self) -> bool:
        """True when the invoice may be paid without a person looking at it."""
        return self.decision is MatchDecision.APPROVE

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form."""
        return {
            "invoice_number": self.invoice_number,
            "po_number": self.po_number,
            "mode": self.mode,
            "decision": self.decision.value,
            "reason_codes": self.reason_codes,
            "header_findings": [f.to_json() for f in self.header_findings],
            "lines": [line.to_json() for line in self.lines],
        }


__all__ = [
    "OWNER_ROLES",
    "Finding",
    "LineMatch",
    "MatchDecision",
    "MatchResult",
    "Outcome",
    "decide",
]
