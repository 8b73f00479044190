"""The port for an optional language model that reads supplier mail.

With ``Settings.llm_model`` set, the Risk Monitor asks an :class:`LlmExtractor` for the
facts of a mail and checks every answer against the mail text and the master data
(unknown SKUs, PO numbers not in the text, impossible delays are dropped); without one,
or when the model fails, the rule-based extraction does the job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

from pydantic import BaseModel, Field


class LlmExtraction(BaseModel):
    """What a language model is asked to return for one supplier mail."""

    classification: Literal["delay_notice", "price_change", "other"] = Field(
        description="delay_notice: a delivery will be late; price_change: prices change; else other"
    )
    skus: list[str] = Field(default_factory=list, description="item codes the mail is about")
    po_numbers: list[str] = Field(default_factory=list, description="purchase-order numbers")
    delay_days: int | None = Field(default=None, description="calendar days of delay")
    original_date: date | None = Field(default=None, description="delivery date before the delay")
    new_date: date | None = Field(default=None, description="delivery date after the delay")
    reason: str | None = Field(default=None, description="the stated cause, in the mail's words")
    force_majeure: bool = Field(default=False, description="the supplier invokes force majeure")
    price_change_pct: Decimal | None = Field(default=None, description="price change in percent")
    evidence: list[str] = Field(
        default_factory=list, description="sentences copied verbatim from the mail"
    )


class LlmExtractor(Protocol):
    """Reads a mail with a language model; implementations live in ``adapters``."""

    def extract(
        self, *, sender: str, subject: str, body: str, known_skus: Sequence[str]
    ) -> LlmExtraction:
        """The model's reading of the mail; may raise on network or model errors."""
        ...


__all__ = ["LlmExtraction", "LlmExtractor"]
