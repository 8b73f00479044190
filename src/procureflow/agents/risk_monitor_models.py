"""Input and output of the Risk Monitor agent (what ``--json`` and the playbooks see)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from procureflow.agents.base import AgentOutput
from procureflow.domain.inventory import ImpactProjection, Severity

MailClass = Literal["delay_notice", "price_change", "other"]


class SupplierNotice(BaseModel):
    """A structured notice from a supplier portal (the data of a ``supplier.*`` CloudEvent)."""

    model_config = ConfigDict(extra="ignore")

    type: MailClass
    supplier_id: str
    skus: list[str] = Field(default_factory=list)
    po_numbers: list[str] = Field(default_factory=list)
    delay_days: int | None = Field(default=None, ge=0, le=730)
    original_date: date | None = None
    new_date: date | None = None
    reason: str | None = None
    force_majeure: bool = False
    price_change_pct: Decimal | None = None
    effective_date: date | None = None


class RiskMonitorInput(BaseModel):
    """One supplier mail (parsed from RFC 822 or an IMAP poll) or one portal notice."""

    message_id: str = ""
    sender: str = Field(default="", description="the sender's mail address")
    subject: str = ""
    body: str = Field(default="", description="plain text of the mail")
    sent_at: datetime | None = None
    as_of: date | None = Field(
        default=None, description="day the stock projection starts; default: the mail's date"
    )
    notice: SupplierNotice | None = Field(
        default=None, description="a portal notice instead of a mail: no text to read"
    )

    @model_validator(mode="after")
    def _mail_or_notice(self) -> RiskMonitorInput:
        if self.notice is None and not (
            self.sender.strip() and (self.body.strip() or self.subject.strip())
        ):
            raise ValueError("give a mail (sender and body) or a portal notice")
        return self


class ItemReference(BaseModel):
    """An item of the item master the mail is about."""

    model_config = ConfigDict(frozen=True)

    sku: str
    description: str
    critical: bool
    match: Literal["exact", "fuzzy", "description", "llm"]
    score: float
    matched_text: str


class DelayFacts(BaseModel):
    """How late the delivery is, and from what the figure comes."""

    model_config = ConfigDict(frozen=True)

    days: int | None = Field(description="calendar days of delay; None when not stated")
    stated_as: str | None = Field(default=None, description="the words of the mail")
    original_date: date | None = None
    new_date: date | None = None
    arrival_date: date | None = Field(
        default=None, description="when the delayed goods are now expected"
    )
    basis: str = Field(description="how days and arrival were worked out")


class PriceQuoteOut(BaseModel):
    """A new unit price the mail states for one item."""

    model_config = ConfigDict(frozen=True)

    sku: str
    new_price: Decimal
    old_price: Decimal | None = None
    currency: str


class PriceChangeFacts(BaseModel):
    """What a price-change notice says."""

    model_config = ConfigDict(frozen=True)

    percent: Decimal | None = None
    effective_date: date | None = None
    quotes: list[PriceQuoteOut] = Field(default_factory=list)


class RiskMonitorOutput(AgentOutput):
    """The reading of one mail and, for a delay, its impact on stock."""

    classification: MailClass
    next_playbook: Literal["supply-disruption", "price-change"] | None = Field(
        description="the playbook this mail starts; None for other mail"
    )
    language: str
    extraction: Literal["rules", "llm", "portal"]
    scores: dict[str, float]
    evidence_lines: list[str]
    message_id: str
    sender: str
    sender_domain: str
    supplier_id: str | None
    supplier_name: str | None
    unknown_sender: bool
    items: list[ItemReference]
    unknown_skus: list[str] = Field(
        default_factory=list, description="codes an LLM named that the item master lacks"
    )
    unaffected_skus: list[str] = Field(
        default_factory=list, description="items the mail names as not affected"
    )
    po_numbers: list[str]
    delay: DelayFacts | None
    reason: str | None
    force_majeure: bool
    price_change: PriceChangeFacts | None
    needs_person: bool = Field(
        default=False,
        description=(
            "the mail may speak of a delay that cannot be read with confidence: the intake "
            "raises it as an exception for a person instead of letting it pass as other mail"
        ),
    )
    needs_person_because: str | None = Field(
        default=None, description="the words that make the mail uncertain"
    )
    as_of: date
    impacts: list[ImpactProjection]
    severity: Severity | None


__all__ = [
    "DelayFacts",
    "ItemReference",
    "MailClass",
    "PriceChangeFacts",
    "PriceQuoteOut",
    "RiskMonitorInput",
    "RiskMonitorOutput",
    "SupplierNotice",
]
