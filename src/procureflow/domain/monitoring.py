"""What the monitors judge, as pure functions: expiry windows, milestone lateness,
invoice-accuracy trends and supplier risk drift. No I/O: the monitors feed them rows and
act on the findings they return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a monitor found that may need a person.

    ``stage`` distinguishes steps of the same problem (a certificate's 90-, 60- and
    30-day windows): an exception is raised once per stage, never again for a stage a
    person has already handled.
    """

    subject_type: str
    subject_id: str
    reason_code: str
    severity: str
    owner_role: str
    title: str
    stage: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def stage_key(self) -> str:
        """Unique per subject, reason and stage: the key that makes raising idempotent."""
        return f"{self.subject_type}|{self.subject_id}|{self.reason_code}|{self.stage}"


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """A certificate a supplier holds, from the master data or a contract's compliance record."""

    supplier_id: str
    supplier_name: str
    certificate: str
    expiry: date
    origin: str
    contact: str | None


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    """An open milestone of a contract."""

    contract_id: str
    milestone_id: str
    name: str
    due_date: date
    po_number: str | None
    supplier_id: str | None


def expiry_window(expiry: date, today: date, windows_days: tuple[int, ...]) -> str | None:
    """``"expired"``, the narrowest window (``"30"``) the expiry falls in, or None.

    A certificate is valid through its expiry day, so it is expired from the day after.
    """
    if expiry < today:
        return "expired"
    left = (expiry - today).days
    inside = [w for w in windows_days if left <= w]
    return str(min(inside)) if inside else None


def milestone_state(due: date, today: date, due_soon_days: int) -> str | None:
    """``"overdue"`` past its due day, ``"due_soon"`` within ``due_soon_days``, else None."""
    if due < today:
        return "overdue"
    if (due - today).days <= due_soon_days:
        return "due_soon"
    return None


@dataclass(frozen=True, slots=True)
class AccuracyVerdict:
    """A supplier's mismatch rate in the window, the one before, and why it is flagged."""

    rate: Decimal
    previous_rate: Decimal | None
    reasons: tuple[str, ...]


def accuracy_verdict(
    invoices: int,
    mismatched: int,
    previous_invoices: int,
    previous_mismatched: int,
    *,
    min_invoices: int,
    max_rate: Decimal,
    rising_by: Decimal,
) -> AccuracyVerdict | None:
    """Flag a supplier whose share of mismatched invoices is too high or rising.

    Too few invoices in the window say nothing and are not judged; the trend needs enough
    invoices in the previous window too.
    """
    if invoices < min_invoices:
        return None
    rate = (Decimal(mismatched) / Decimal(invoices)).quantize(Decimal("0.0001"))
    previous = None
    if previous_invoices >= min_invoices:
        previous = (Decimal(previous_mismatched) / Decimal(previous_invoices)).quantize(
            Decimal("0.0001")
        )
    reasons = []
    if rate > max_rate:
        reasons.append(f"mismatch rate {rate:.1%} above {max_rate:.1%}")
    if previous is not None and rate - previous >= rising_by and mismatched > 0:
        reasons.append(f"mismatch rate rose from {previous:.1%} to {rate:.1%}")
    if not reasons:
        return None
    return AccuracyVerdict(rate=rate, previous_rate=previous, reasons=tuple(reasons))


def risk_drift(
    before: dict[str, Decimal],
    after: dict[str, Decimal],
    *,
    esg_drop: Decimal,
    esg_floor: Decimal,
    altman_z_floor: Decimal,
    altman_z_drop: Decimal,
) -> list[str]:
    """Why a supplier's re-imported ESG score or Altman Z is a concern (empty: none).

    Only changes count: a supplier already below a floor before the import is not
    reported again by this monitor.
    """
    reasons: list[str] = []
    esg_before, esg_after = before.get("esg_score"), after.get("esg_score")
    if esg_before is not None and esg_after is not None and esg_after != esg_before:
        if esg_before - esg_after >= esg_drop:
            reasons.append(f"ESG score fell from {esg_before} to {esg_after}")
        elif esg_after < esg_floor <= esg_before:
            reasons.append(f"ESG score {esg_after} is now below {esg_floor}")
    z_before, z_after = before.get("altman_z"), after.get("altman_z")
    if z_before is not None and z_after is not None and z_after != z_before:
        if z_after < altman_z_floor <= z_before:
            reasons.append(f"Altman Z {z_after} is now below the distress line {altman_z_floor}")
        elif z_before - z_after >= altman_z_drop:
            reasons.append(f"Altman Z fell from {z_before} to {z_after}")
    return reasons


__all__ = [
    "AccuracyVerdict",
    "CertificateRow",
    "MilestoneRow",
    "Finding",
    "accuracy_verdict",
    "expiry_window",
    "milestone_state",
    "risk_drift",
]
