"""What a contract says that procurement acts on, each term with the place it was read.

Every value carries :class:`Evidence` (``paragraph 12`` of a DOCX, ``page 2`` of a PDF,
or a table row) and the text it came from, so a person can check the reading before a
PO is drafted from it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict


class Evidence(BaseModel):
    """Where a term was read: ``location`` (e.g. ``paragraph 7``, ``page 2``) and the text."""

    model_config = ConfigDict(frozen=True)

    location: str
    text: str


class Party(BaseModel):
    """A contracting party, with the supplier's bank and tax details when the contract gives them."""

    model_config = ConfigDict(frozen=True)

    role: str
    name: str
    evidence: Evidence
    tax_id: str | None = None
    iban: str | None = None
    bic: str | None = None


class ContractValue(BaseModel):
    """The contract's total value."""

    model_config = ConfigDict(frozen=True)

    amount: Decimal
    currency: str
    evidence: Evidence


class DateTerm(BaseModel):
    """A dated term (effective date, end date)."""

    model_config = ConfigDict(frozen=True)

    value: date
    evidence: Evidence


class PaymentTermsTerm(BaseModel):
    """Payment terms as written and in short notation (``2/10 net 30``)."""

    model_config = ConfigDict(frozen=True)

    net_days: int
    discount_pct: Decimal | None
    discount_days: int | None
    notation: str
    evidence: Evidence


class MilestoneTerm(BaseModel):
    """A billable milestone: name, due date and amount."""

    model_config = ConfigDict(frozen=True)

    milestone_id: str
    name: str
    due_date: date | None
    amount: Decimal
    evidence: Evidence


class ItemTerm(BaseModel):
    """A priced item of the contract's price schedule (goods delivered and received)."""

    model_config = ConfigDict(frozen=True)

    line_id: str
    sku: str | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    evidence: Evidence


class LiquidatedDamagesTerm(BaseModel):
    """The late-delivery clause: ``rate_pct`` per ``period`` (week/day), capped at ``cap_pct``."""

    model_config = ConfigDict(frozen=True)

    rate_pct: Decimal
    period: str
    cap_pct: Decimal | None
    evidence: Evidence


class CertificationTerm(BaseModel):
    """A certification the supplier must hold, with its expiry when the contract states it."""

    model_config = ConfigDict(frozen=True)

    name: str
    valid_until: date | None
    evidence: Evidence


class ContractTerms(BaseModel):
    """Everything read from one contract document."""

    model_config = ConfigDict(frozen=True)

    source: str
    source_sha256: str
    title: str | None = None
    contract_number: str | None = None
    category: str | None = None
    buyer: Party | None = None
    supplier: Party | None = None
    value: ContractValue | None = None
    effective_date: DateTerm | None = None
    end_date: DateTerm | None = None
    payment_terms: PaymentTermsTerm | None = None
    items: tuple[ItemTerm, ...] = ()
    milestones: tuple[MilestoneTerm, ...] = ()
    liquidated_damages: LiquidatedDamagesTerm | None = None
    certifications: tuple[CertificationTerm, ...] = ()
    extracted_by: str = "rules"
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form (amounts and dates as strings)."""
        return self.model_dump(mode="json")


__all__ = [
    "CertificationTerm",
    "ContractTerms",
    "ContractValue",
    "DateTerm",
    "Evidence",
    "ItemTerm",
    "LiquidatedDamagesTerm",
    "MilestoneTerm",
    "Party",
    "PaymentTermsTerm",
]
