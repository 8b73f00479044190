"""Language-model adapters (pydantic-ai): reading supplier mail into structured facts.

Used only when ``Settings.llm_model`` names a model (``openai:gpt-4o-mini``,
``ollama:llama3.1`` or any name pydantic-ai knows); the agents check every answer
against the mail and the master data. Without a model the rule-based path does the job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from procureflow.agents.llm_extraction import LlmExtraction
from procureflow.errors import ConfigError

if TYPE_CHECKING:
    from pydantic_ai.models import Model

MAIL_INSTRUCTIONS = """\
You read emails that suppliers send to a manufacturer's purchasing department.
Classify the email: delay_notice (a delivery or shipment will be late), price_change
(prices will change), or other. Extract only what the email states:
- skus: item codes of the buyer's item master that the email mentions (the known codes
  are listed; never invent one);
- po_numbers: purchase-order numbers exactly as written;
- delay_days: calendar days of delay (weeks x 7; working days x 7/5);
- original_date and new_date: the delivery dates before and after the delay;
- reason: the stated cause in the email's own words; force_majeure: true only if the
  supplier invokes force majeure (höhere Gewalt, force majeure);
- price_change_pct: the percentage of a price change;
- evidence: the sentences that support the classification, copied verbatim.
The email may be in English, German or French."""


class PydanticAiMailExtractor:
    """An :class:`~procureflow.agents.llm_extraction.LlmExtractor` on a pydantic-ai model."""

    def __init__(self, model: Model | str, *, retries: int = 1) -> None:
        self.model = model
        self.retries = retries
        self._agent: Any = None

    def _build(self) -> Any:
        try:
            from pydantic_ai import Agent
        except ImportError as exc:  # the "llm" extra is not installed
            raise ConfigError(
                "llm_model is set but pydantic-ai is not installed: pip install 'procureflow[llm]'"
            ) from exc
        return Agent(
            self.model,
            output_type=LlmExtraction,
            instructions=MAIL_INSTRUCTIONS,
            retries=self.retries,
        )

    def extract(
        self, *, sender: str, subject: str, body: str, known_skus: Sequence[str]
    ) -> LlmExtraction:
        """Ask the model for the facts of one mail (the body is cut at 20,000 characters)."""
        if self._agent is None:
            self._agent = self._build()
        prompt = (
            f"Known item codes: {', '.join(known_skus[:500])}\n\n"
            f"From: {sender}\nSubject: {subject}\n\n{body[:20000]}"
        )
        result = self._agent.run_sync(prompt)
        return LlmExtraction.model_validate(result.output)


def mail_extractor_from_settings(llm_model: str | None) -> PydanticAiMailExtractor | None:
    """The extractor for the configured model, or ``None`` when no model is set."""
    if not llm_model or not llm_model.strip():
        return None
    return PydanticAiMailExtractor(llm_model.strip())


MESSAGE_INSTRUCTIONS = """\
You write short, courteous business emails from a manufacturer's purchasing department
to a supplier. You receive a draft; rewrite it as a clear message in the draft's
language. Keep every link, number, item code, quantity, price and date EXACTLY as
written in the draft, character for character. Do not add facts, promises or
conditions that are not in the draft. Answer with the message body only."""


class PydanticAiMessageWriter:
    """A :class:`~procureflow.agents.message_writing.MessageWriter` on a pydantic-ai model."""

    def __init__(self, model: Model | str, *, retries: int = 1) -> None:
        self.model = model
        self.retries = retries
        self._agent: Any = None

    def write(self, *, purpose: str, draft: str) -> str:
        """The model's rewrite of ``draft`` (checked by the caller before use)."""
        if self._agent is None:
            try:
                from pydantic_ai import Agent
            except ImportError as exc:
                raise ConfigError(
                    "llm_model is set but pydantic-ai is not installed: "
                    "pip install 'procureflow[llm]'"
                ) from exc
            self._agent = Agent(
                self.model, output_type=str, instructions=MESSAGE_INSTRUCTIONS, retries=self.retries
            )
        result = self._agent.run_sync(f"Purpose: {purpose}\n\nDraft:\n{draft[:20000]}")
        return str(result.output)


def message_writer_from_settings(llm_model: str | None) -> PydanticAiMessageWriter | None:
    """The message writer for the configured model, or ``None`` when no model is set."""
    if not llm_model or not llm_model.strip():
        return None
    return PydanticAiMessageWriter(llm_model.strip())


__all__ = [
    "MAIL_INSTRUCTIONS",
    "MESSAGE_INSTRUCTIONS",
    "PydanticAiMailExtractor",
    "PydanticAiMessageWriter",
    "mail_extractor_from_settings",
    "message_writer_from_settings",
]
