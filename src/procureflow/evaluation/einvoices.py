"""Scoring e-invoice validation against a corpus of known-good and known-bad invoices.

The folder (``tests/data/einvoice``) holds ``known-good.csv`` — each file with the exact
amount due and currency it must be accepted with — and ``known-bad/expected.csv`` —
each file with what intake must do with it: ``held`` (stored for accounts payable with
the named rule among its fatal findings) or ``refused`` (not readable as an invoice).

Two figures, both with a target of 100 %: known-bad invoices flagged or refused, and
known-good invoices accepted with their exact total. A known-bad invoice held for a
different rule than the one its defect breaks counts as flagged but is listed, so the
corpus keeps testing what it says it tests.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from procureflow.documents.einvoice.validate import read_einvoice
from procureflow.errors import DocumentRejected

GOOD_MANIFEST = "known-good.csv"
BAD_MANIFEST = "known-bad/expected.csv"
GOOD_TARGET = 1.0
BAD_TARGET = 1.0


@dataclass(frozen=True)
class CaseResult:
    """One file: whether it met its expectation, and what happened to it."""

    file: str
    ok: bool
    outcome: str  # accepted | held | refused
    detail: str
    rule_matched: bool = True


@dataclass(frozen=True)
class EinvoiceScore:
    """Known-good and known-bad results."""

    good: tuple[CaseResult, ...]
    bad: tuple[CaseResult, ...]

    @property
    def good_rate(self) -> float:
        """Share of known-good invoices accepted with their exact total."""
        return sum(c.ok for c in self.good) / len(self.good) if self.good else 0.0

    @property
    def bad_rate(self) -> float:
        """Share of known-bad invoices flagged (held) or refused."""
        return sum(c.ok for c in self.bad) / len(self.bad) if self.bad else 0.0

    @property
    def failures(self) -> list[CaseResult]:
        """Every case that missed its expectation (or was held for another rule)."""
        return [c for c in (*self.good, *self.bad) if not c.ok or not c.rule_matched]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _good(folder: Path, row: dict[str, str]) -> CaseResult:
    path = folder / row["file"]
    try:
        checked = read_einvoice(path.read_bytes(), path.name)
    except DocumentRejected as exc:
        return CaseResult(row["file"], False, "refused", str(exc))
    payable, currency = checked.invoice.totals.payable, checked.invoice.currency
    exact = payable == Decimal(row["payable"]) and currency == row["currency"]
    if not checked.report.valid:
        return CaseResult(row["file"], False, "held", checked.report.summary())
    detail = f"{payable} {currency}" + (
        "" if exact else f", expected {row['payable']} {row['currency']}"
    )
    return CaseResult(row["file"], exact, "accepted", detail)


def _bad(folder: Path, row: dict[str, str]) -> CaseResult:
    path = folder / "known-bad" / row["file"]
    try:
        checked = read_einvoice(path.read_bytes(), path.name)
    except DocumentRejected as exc:
        return CaseResult(row["file"], True, "refused", str(exc), row["outcome"] == "refused")
    report = checked.report
    if report.valid:
        return CaseResult(row["file"], False, "accepted", report.summary(), False)
    matched = row["outcome"] == "held" and row["rule"] in report.rules()
    return CaseResult(row["file"], True, "held", report.summary(), matched)


def score_einvoices(folder: Path) -> EinvoiceScore:
    """Validate every file of the corpus at ``folder`` as intake does, and score it."""
    return EinvoiceScore(
        good=tuple(_good(folder, row) for row in _rows(folder / GOOD_MANIFEST)),
        bad=tuple(_bad(folder, row) for row in _rows(folder / BAD_MANIFEST)),
    )


__all__ = ["BAD_TARGET", "GOOD_TARGET", "CaseResult", "EinvoiceScore", "score_einvoices"]
