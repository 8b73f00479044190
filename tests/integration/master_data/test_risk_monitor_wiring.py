"""The Risk Monitor as the runtime gets it: from the agent registry, on stored master data,
with the policy's mandate bound."""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.importers import MasterDataImporter, import_demo_master_data
from procureflow.adapters.risk_monitor_factory import risk_monitor_factory
from procureflow.agents.registry import AgentRegistry
from procureflow.agents.risk_monitor import NAME
from procureflow.config import Settings
from procureflow.demo import demo_emails
from procureflow.documents.email_message import parse_email
from procureflow.domain.master import ImportContext
from procureflow.policies import load_default_policy, load_policy

BODY = "Your induction motors 7.5 kW 400 V will be delayed by two weeks."


def _registry(engine: sa.Engine, policy_text: str | None = None) -> AgentRegistry:
    import_demo_master_data(MasterDataImporter(engine, ImportContext(base_currency="EUR")))
    policy = load_policy(policy_text, origin="test.yaml") if policy_text else load_default_policy()
    registry = AgentRegistry()
    registry.register(NAME, risk_monitor_factory(engine, Settings(llm_model=None), policy))
    return registry


def test_the_registered_agent_reads_a_demo_mail_as_json(engine: sa.Engine) -> None:
    mail = parse_email(demo_emails()["01_delay_en_huaxin_motors.eml"])
    out = (
        _registry(engine)
        .create(NAME)
        .run(
            {
                "sender": mail.sender,
                "subject": mail.subject,
                "body": mail.text,
                "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
            }
        )
    )
    assert out["classification"] == "delay_notice" and out["supplier_id"] == "SUP-HUAXIN"
    assert out["impacts"][0]["severity"] == "critical"


def test_the_default_policy_keeps_description_matches(engine: sa.Engine) -> None:
    out = (
        _registry(engine).create(NAME).run({"sender": "li.wei@huaxin-motors.example", "body": BODY})
    )
    assert [i["sku"] for i in out["items"]] == ["MTR-7K5-400"]


def test_a_stricter_mandate_bound_drops_weak_matches(engine: sa.Engine) -> None:
    from importlib.resources import files

    default = (files("procureflow.policies") / "builtin" / "default.yaml").read_text(
        encoding="utf-8"
    )
    assert "min_sku_match_score: 80" in default
    strict = default.replace("min_sku_match_score: 80", "min_sku_match_score: 99")
    out = (
        _registry(engine, strict)
        .create(NAME)
        .run({"sender": "li.wei@huaxin-motors.example", "body": BODY})
    )
    assert out["items"] == [] and out["impacts"] == []
