"""The optional language-model classifier, on pydantic-ai's function model (no vendor)."""

from __future__ import annotations

import pytest

from procureflow.adapters.llm_documents import (
    PydanticAiDocumentClassifier,
    document_classifier_from_settings,
)
from procureflow.documents.classify import RULES, classify_text

pytest.importorskip("pydantic_ai")


def _model(answer: str) -> object:
    from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel

    def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(answer)])

    return FunctionModel(reply)


def test_the_model_decides_only_what_the_rules_cannot() -> None:
    classifier = PydanticAiDocumentClassifier(_model("statement_of_work"))  # type: ignore[arg-type]
    result = classify_text(
        "Project plan for the pump retrofit, phases one to three", llm=classifier
    )
    assert result.category == "statement_of_work" and result.method == "llm"


def test_an_answer_outside_the_categories_is_ignored() -> None:
    classifier = PydanticAiDocumentClassifier(_model("poem"))  # type: ignore[arg-type]
    assert classifier("some text", list(RULES)) is None
    assert classify_text("some text", llm=classifier).category == "other"


def test_no_model_configured_means_no_classifier() -> None:
    assert document_classifier_from_settings(None) is None
    assert document_classifier_from_settings("  ") is None
