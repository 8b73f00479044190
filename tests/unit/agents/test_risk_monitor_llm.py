"""The optional LLM path of the Risk Monitor, on pydantic-ai test models (no network)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from procureflow.adapters.llm import PydanticAiMailExtractor, mail_extractor_from_settings
from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.demo import demo_master_data

BODY = (
    "Dear customer,\n\nthe motors MTR-7K5-400 of order PO-2026-0412 will reach you later than planned.\n"
    "Our rotor line is down after a fire; this is a case of force majeure.\n"
)
INPUT = RiskMonitorInput(
    message_id="<llm@huaxin>",
    sender="li.wei@huaxin-motors.example",
    subject="Shipment information",
    body=BODY,
    sent_at=datetime(2026, 11, 23, 9, tzinfo=UTC),
)


def _agent(model: Any) -> RiskMonitorAgent:
    return RiskMonitorAgent(demo_master_data(), llm=PydanticAiMailExtractor(model))


def _answer(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "classification": "delay_notice",
        "skus": ["MTR-7K5-400"],
        "po_numbers": ["PO-2026-0412"],
        "delay_days": 21,
        "reason": "rotor line down after a fire",
        "force_majeure": True,
        "evidence": [
            "the motors MTR-7K5-400 of order PO-2026-0412 will reach you later than planned."
        ],
    }
    base.update(fields)
    return base


def _check(out: RiskMonitorOutput) -> Any:
    return next(g for g in out.decision.guardrails if g.name.startswith("LLM reading"))


def test_a_valid_model_answer_is_used_and_says_so() -> None:
    out = _agent(TestModel(custom_output_args=_answer())).decide(INPUT)
    assert out.extraction == "llm"
    assert out.classification == "delay_notice"
    assert out.delay is not None and out.delay.days == 21
    assert out.delay.arrival_date == date(2026, 12, 14)
    assert out.reason == "rotor line down after a fire" and out.force_majeure
    assert [i.sku for i in out.items] == ["MTR-7K5-400"]
    assert out.impacts and out.impacts[0].sku == "MTR-7K5-400"
    assert _check(out).passed
    assert out.evidence_lines == _answer()["evidence"]


def test_the_rules_alone_read_a_delay_of_unknown_length_which_is_why_the_model_helps() -> None:
    out = RiskMonitorAgent(demo_master_data()).decide(INPUT)
    assert out.extraction == "rules" and out.classification == "delay_notice"
    assert out.delay is not None and out.delay.days is None


def test_invented_skus_pos_and_impossible_delays_are_dropped() -> None:
    answer = _answer(
        skus=["MTR-7K5-400", "MTR-99-FAKE"],
        po_numbers=["PO-2099-0001"],
        delay_days=5000,
        evidence=["A sentence the supplier never wrote."],
    )
    out = _agent(TestModel(custom_output_args=answer)).decide(INPUT)
    assert out.unknown_skus == ["MTR-99-FAKE"]
    assert [i.sku for i in out.items] == ["MTR-7K5-400"]
    assert out.po_numbers == ["PO-2026-0412"]  # the rules' reading, found in the text
    assert out.delay is not None and out.delay.days is None and out.impacts == []
    check = _check(out)
    assert not check.passed
    for words in ("MTR-99-FAKE", "PO numbers not found", "5000 days", "evidence lines"):
        assert words in check.detail
    assert "A sentence the supplier never wrote." not in out.evidence_lines


def test_dates_from_the_model_give_the_delay_when_consistent() -> None:
    answer = _answer(delay_days=None, original_date="2026-11-30", new_date="2026-12-21")
    out = _agent(TestModel(custom_output_args=answer)).decide(INPUT)
    assert out.delay is not None
    assert (out.delay.days, out.delay.arrival_date) == (21, date(2026, 12, 21))
    reversed_dates = _answer(delay_days=None, original_date="2026-12-21", new_date="2026-11-30")
    out = _agent(TestModel(custom_output_args=reversed_dates)).decide(INPUT)
    assert "before original date" in _check(out).detail


def test_a_failing_model_leaves_the_rule_based_reading() -> None:
    def broken(_messages: list[ModelMessage], _info: AgentInfo) -> ModelResponse:
        raise RuntimeError("connection refused")

    out = _agent(FunctionModel(broken)).decide(INPUT)
    assert out.extraction == "rules"
    check = _check(out)
    assert not check.passed and "connection refused" in check.detail


def test_the_prompt_carries_the_mail_and_the_known_item_codes() -> None:
    seen: list[str] = []

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(str(messages))
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, _answer())])

    out = _agent(FunctionModel(model)).decide(INPUT)
    assert out.extraction == "llm"
    assert "rotor line is down" in seen[0] and "PCB-CTRL-4" in seen[0]
    assert "li.wei@huaxin-motors.example" in seen[0]


@pytest.mark.parametrize("setting", [None, "", "  "])
def test_no_model_configured_means_no_extractor(setting: str | None) -> None:
    assert mail_extractor_from_settings(setting) is None


def test_a_configured_model_name_gives_an_extractor() -> None:
    extractor = mail_extractor_from_settings("test")
    assert isinstance(extractor, PydanticAiMailExtractor) and extractor.model == "test"
