"""Model-written supplier messages are used only when they keep every fact verbatim."""

from __future__ import annotations

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from procureflow.adapters.llm import PydanticAiMessageWriter
from procureflow.agents.message_writing import written_message

DRAFT = "Request for quote RFQ-1\n  MTR-7: 40 pcs\nConfirm: https://x.example/t/confirm\n"
REQUIRED = ["RFQ-1", "MTR-7", "40", "https://x.example/t/confirm"]


def _model(reply: str) -> FunctionModel:
    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(reply)])

    return FunctionModel(answer)


def test_without_a_writer_the_draft_goes_out() -> None:
    assert written_message(None, purpose="rfq", draft=DRAFT, required=REQUIRED) == (
        DRAFT,
        "template",
    )


def test_a_faithful_rewrite_is_used() -> None:
    reply = (
        "Dear partner,\n\nfor request RFQ-1 we would need 40 pcs of MTR-7. Please confirm "
        "here: https://x.example/t/confirm\n\nKind regards"
    )
    text, source = written_message(
        PydanticAiMessageWriter(_model(reply)), purpose="rfq", draft=DRAFT, required=REQUIRED
    )
    assert source == "llm"
    assert text.startswith("Dear partner")


def test_a_rewrite_that_changes_a_link_or_quantity_is_discarded() -> None:
    for reply in (
        "Please send 45 pcs of MTR-7 for RFQ-1: https://x.example/t/confirm",
        "RFQ-1: 40 pcs of MTR-7, confirm at https://evil.example/confirm",
    ):
        text, source = written_message(
            PydanticAiMessageWriter(_model(reply)), purpose="rfq", draft=DRAFT, required=REQUIRED
        )
        assert (text, source) == (DRAFT, "template")


def test_a_failing_model_does_not_stop_the_message() -> None:
    def broken(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise RuntimeError("vendor down")

    text, source = written_message(
        PydanticAiMessageWriter(FunctionModel(broken)),
        purpose="rfq",
        draft=DRAFT,
        required=REQUIRED,
    )
    assert (text, source) == (DRAFT, "template")
