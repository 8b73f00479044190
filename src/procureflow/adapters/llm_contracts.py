"""A language model (pydantic-ai) that reads the contract terms the rules could not place.

Implements :class:`procureflow.documents.contract_terms.TermsModel`; used by
``procureflow ingest contract`` when ``Settings.llm_model`` is set. The model answers in
the same typed shape as the rules (with evidence), and only for the terms asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from procureflow.documents.contract_terms import (
    CertificationTerm,
    ContractValue,
    DateTerm,
    LiquidatedDamagesTerm,
    MilestoneTerm,
    Party,
    PaymentTermsTerm,
)
from procureflow.errors import ConfigError

if TYPE_CHECKING:
    from pydantic_ai.models import Model

INSTRUCTIONS = """\
You read commercial contracts for a purchasing department. Fill in only the terms you are
asked for, and only when the contract states them; leave a term null otherwise. For each
term give its evidence: the location shown in brackets before the text you read it from
(e.g. "paragraph 12" or "page 2") and that text. Amounts are plain decimals, dates ISO
8601, currencies ISO 4217 codes."""


class MissingTerms(BaseModel):
    """What the model may fill in (every field optional)."""

    buyer: Party | None = None
    supplier: Party | None = None
    value: ContractValue | None = None
    effective_date: DateTerm | None = None
    end_date: DateTerm | None = None
    payment_terms: PaymentTermsTerm | None = None
    milestones: list[MilestoneTerm] | None = None
    liquidated_damages: LiquidatedDamagesTerm | None = None
    certifications: list[CertificationTerm] | None = None


class PydanticAiTermsModel:
    """``read(text, missing)`` on a pydantic-ai model."""

    def __init__(self, model: Model | str) -> None:
        self.model = model
        self._agent: Any = None

    def read(self, text: str, missing: list[str]) -> dict[str, Any]:
        """The missing terms the model found in ``text`` (cut at 30,000 characters)."""
        if self._agent is None:
            try:
                from pydantic_ai import Agent
            except ImportError as exc:  # the "llm" extra is not installed
                raise ConfigError(
                    "llm_model is set but pydantic-ai is not installed: "
                    "pip install 'procureflow[llm]'"
                ) from exc
            self._agent = Agent(self.model, output_type=MissingTerms, instructions=INSTRUCTIONS)
        prompt = f"Terms wanted: {', '.join(missing)}\n\nContract:\n{text[:30000]}"
        answer: MissingTerms = self._agent.run_sync(prompt).output
        found = answer.model_dump(mode="json")
        return {name: found[name] for name in missing if found.get(name)}


def terms_model_from_settings(llm_model: str | None) -> PydanticAiTermsModel | None:
    """The terms model for the configured language model, or None without one."""
    if not llm_model or not llm_model.strip():
        return None
    return PydanticAiTermsModel(llm_model.strip())


__all__ = ["MissingTerms", "PydanticAiTermsModel", "terms_model_from_settings"]
