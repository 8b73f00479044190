"""A language-model document classifier (pydantic-ai), asked only when the rules of
:mod:`procureflow.documents.classify` are not sure. Used when ``Settings.llm_model`` is set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from procureflow.errors import ConfigError

if TYPE_CHECKING:
    from pydantic_ai.models import Model

INSTRUCTIONS = """\
You sort business documents of a purchasing department. Answer with exactly one of the
given category names, or "other" when none fits. Judge by the document's title and
purpose, not by words mentioned in passing."""


class PydanticAiDocumentClassifier:
    """Callable ``(text, categories) -> category | None`` on a pydantic-ai model."""

    def __init__(self, model: Model | str) -> None:
        self.model = model
        self._agent: Any = None

    def __call__(self, text: str, categories: list[str]) -> str | None:
        """The model's category for ``text`` (cut at 8,000 characters), or None."""
        if self._agent is None:
            try:
                from pydantic_ai import Agent
            except ImportError as exc:  # the "llm" extra is not installed
                raise ConfigError(
                    "llm_model is set but pydantic-ai is not installed: "
                    "pip install 'procureflow[llm]'"
                ) from exc
            self._agent = Agent(self.model, output_type=str, instructions=INSTRUCTIONS)
        prompt = f"Categories: {', '.join(categories)}\n\nDocument:\n{text[:8000]}"
        answer = str(self._agent.run_sync(prompt).output).strip().strip('"').lower()
        return answer if answer in categories else None


def document_classifier_from_settings(llm_model: str | None) -> PydanticAiDocumentClassifier | None:
    """The classifier for the configured model, or None without one."""
    if not llm_model or not llm_model.strip():
        return None
    return PydanticAiDocumentClassifier(llm_model.strip())


__all__ = ["PydanticAiDocumentClassifier", "document_classifier_from_settings"]
