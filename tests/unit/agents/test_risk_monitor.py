"""The Risk Monitor reading supplier mail in English, German and French (rule-based path)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.demo import demo_emails, demo_master_data
from procureflow.documents.email_message import parse_email
from procureflow.domain.inventory import Severity

SENT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def agent() -> RiskMonitorAgent:
    return RiskMonitorAgent(demo_master_data())


def _read(
    agent: RiskMonitorAgent,
    body: str,
    *,
    sender: str = "li.wei@huaxin-motors.example",
    subject: str = "",
) -> RiskMonitorOutput:
    return agent.decide(
        RiskMonitorInput(
            sender=sender, subject=subject, body=body, sent_at=SENT, message_id="<t@x>"
        )
    )


def _demo(agent: RiskMonitorAgent, name: str) -> RiskMonitorOutput:
    mail = parse_email(demo_emails()[name], source=name)
    return agent.decide(
        RiskMonitorInput(
            message_id=mail.message_id,
            sender=mail.sender,
            subject=mail.subject,
            body=mail.text,
            sent_at=mail.sent_at,
        )
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "01_delay_en_huaxin_motors.eml",
            {
                "language": "en",
                "supplier_id": "SUP-HUAXIN",
                "skus": ["MTR-7K5-400"],
                "po_numbers": ["PO-2026-0412"],
                "days": 42,
                "arrival": date(2027, 1, 11),
                "reason": "shortage of electrical steel",
                "force_majeure": False,
            },
        ),
        (
            "02_delay_de_brandt_housings.eml",
            {
                "language": "de",
                "supplier_id": "SUP-BRANDT",
                "skus": ["HSG-GG25-100"],
                "po_numbers": ["PO-2026-0398"],
                "days": 10,
                "arrival": date(2026, 12, 7),
                "reason": "Ausfall unseres Induktionsschmelzofens",
                "force_majeure": False,
            },
        ),
        (
            "03_delay_fr_dufresne_seals.eml",
            {
                "language": "fr",
                "supplier_id": "SUP-DUFRESNE",
                "skus": ["SEAL-MC-35"],
                "po_numbers": ["PO-2026-0405"],
                "days": 21,
                "arrival": date(2026, 12, 14),
                "reason": "grève nationale des transporteurs",
                "force_majeure": True,
            },
        ),
        (
            "04_delay_en_isar_new_date.eml",
            {
                "language": "en",
                "supplier_id": "SUP-ISAR",
                "skus": ["PCB-CTRL-4"],
                "po_numbers": ["PO-2026-0420"],
                "days": 21,
                "arrival": date(2026, 12, 22),
                "reason": "allocation of microcontrollers",
                "force_majeure": False,
            },
        ),
    ],
)
def test_demo_delay_notices_are_read_completely(
    agent: RiskMonitorAgent, name: str, expected: dict[str, Any]
) -> None:
    out = _demo(agent, name)
    assert out.classification == "delay_notice" and out.next_playbook == "supply-disruption"
    assert out.language == expected["language"]
    assert out.supplier_id == expected["supplier_id"] and not out.unknown_sender
    assert [i.sku for i in out.items] == expected["skus"]
    assert out.po_numbers == expected["po_numbers"]
    assert out.delay is not None
    assert (out.delay.days, out.delay.arrival_date) == (expected["days"], expected["arrival"])
    assert out.reason is not None and expected["reason"] in out.reason
    assert out.force_majeure is expected["force_majeure"]
    assert [i.sku for i in out.impacts] == expected["skus"]
    assert out.severity is not None


def test_the_six_week_motor_delay_projects_a_critical_stockout(agent: RiskMonitorAgent) -> None:
    out = _demo(agent, "01_delay_en_huaxin_motors.eml")
    (impact,) = out.impacts
    assert impact.stock_out_date == date(2026, 12, 3)
    assert impact.shortfall_qty == 1540
    assert impact.severity is Severity.CRITICAL
    assert out.delay is not None and out.delay.original_date == date(2026, 11, 30)
    assert "stock-out 2026-12-03" in out.decision.rationale


def test_german_dates_give_the_delay_and_agree_with_the_stated_days(
    agent: RiskMonitorAgent,
) -> None:
    out = _demo(agent, "02_delay_de_brandt_housings.eml")
    assert out.delay is not None
    assert (out.delay.original_date, out.delay.new_date) == (date(2026, 11, 27), date(2026, 12, 7))
    assert out.delay.basis == "new date minus original date"  # no disagreement noted
    (impact,) = out.impacts
    assert impact.stock_out_date is None and impact.severity is Severity.HIGH


def test_a_near_miss_sku_is_matched_fuzzily(agent: RiskMonitorAgent) -> None:
    out = _demo(agent, "04_delay_en_isar_new_date.eml")
    (item,) = out.items
    assert (item.match, item.matched_text) == ("fuzzy", "PCB-CTRL4")


@pytest.mark.parametrize(
    ("body", "days"),
    [
        ("Your order PO-2026-0412 of MTR-7K5-400 will be delayed by two weeks.", 14),
        ("The shipment of MTR-7K5-400 is delayed by a fortnight.", 14),
        ("MTR-7K5-400: we expect a delay of 4-6 weeks.", 42),
        ("Delivery of MTR-7K5-400 is postponed by 5 working days.", 7),
        ("Die Lieferung MTR-7K5-400 verzögert sich um zwei Wochen.", 14),
        ("Die Lieferung MTR-7K5-400 verspätet sich um 10 Tage.", 10),
        ("La livraison MTR-7K5-400 subira un retard de trois semaines.", 21),
        ("La livraison MTR-7K5-400 est retardée de 15 jours.", 15),
    ],
)
def test_delays_in_words_or_digits_in_three_languages(
    agent: RiskMonitorAgent, body: str, days: int
) -> None:
    out = _read(agent, body)
    assert out.classification == "delay_notice"
    assert out.delay is not None and out.delay.days == days
    assert out.delay.arrival_date == date(2026, 11, 23) + timedelta(days=days)


def test_a_new_date_without_the_original_gives_arrival_but_no_length(
    agent: RiskMonitorAgent,
) -> None:
    out = _read(
        agent, "Your MTR-7K5-400 shipment is delayed; the new delivery date is 18 December 2026."
    )
    assert out.delay is not None
    assert out.delay.arrival_date == date(2026, 12, 18) and out.delay.days is None
    assert "delay length is unknown" in out.delay.basis
    assert out.impacts and out.impacts[0].arrival_date == date(2026, 12, 18)


def test_a_notice_without_any_length_says_so_and_projects_nothing(agent: RiskMonitorAgent) -> None:
    out = _read(agent, "Unfortunately the MTR-7K5-400 shipment will be delayed.")
    assert out.classification == "delay_notice"
    assert out.delay is not None and out.delay.arrival_date is None
    assert out.impacts == []
    check = next(g for g in out.decision.guardrails if g.name == "delay length stated")
    assert not check.passed


def test_unknown_sender_is_flagged_but_still_read(agent: RiskMonitorAgent) -> None:
    out = _demo(agent, "07_delay_unknown_sender.eml")
    assert out.unknown_sender and out.supplier_id is None
    assert out.sender_domain == "pacific-castings.example"
    assert out.classification == "delay_notice" and out.delay is not None and out.delay.days == 14
    check = next(g for g in out.decision.guardrails if g.name == "sender is a known supplier")
    assert not check.passed and "pacific-castings.example" in check.detail


def test_a_sub_domain_of_a_supplier_domain_is_that_supplier(agent: RiskMonitorAgent) -> None:
    out = _read(agent, "PCB-CTRL-4 is delayed by 3 days.", sender="ops@mail.volta-group.example")
    assert out.supplier_id == "SUP-VOLTA"


def test_price_change_notice_starts_the_price_playbook_with_its_figures(
    agent: RiskMonitorAgent,
) -> None:
    out = _demo(agent, "05_price_change_midwest_bearings.eml")
    assert out.classification == "price_change" and out.next_playbook == "price-change"
    assert out.delay is None and out.impacts == []
    assert out.price_change is not None
    assert str(out.price_change.percent) == "8.5"
    assert out.price_change.effective_date == date(2027, 1, 1)
    quotes = {
        q.sku: (str(q.new_price), str(q.old_price), q.currency) for q in out.price_change.quotes
    }
    assert quotes == {
        "BRG-6308-2RS": ("8.46", "7.80", "USD"),
        "BRG-NU310": ("41.23", "38.00", "USD"),
    }


def test_unrelated_mail_starts_nothing(agent: RiskMonitorAgent) -> None:
    out = _demo(agent, "06_other_trade_fair_invitation.eml")
    assert out.classification == "other" and out.next_playbook is None
    assert out.items == [] and out.delay is None and out.impacts == []
    options = {a.option: a for a in out.decision.alternatives}
    assert set(options) == {"delay_notice", "price_change"}
    assert all(
        a.rejected_because and "below the threshold" in a.rejected_because for a in options.values()
    )


def test_decision_record_quotes_the_mail_and_scores_the_other_classes(
    agent: RiskMonitorAgent,
) -> None:
    mail = parse_email(demo_emails()["03_delay_fr_dufresne_seals.eml"])
    out = _demo(agent, "03_delay_fr_dufresne_seals.eml")
    decision = out.decision
    assert decision.agent == "risk-monitor" and decision.choice == "delay_notice"
    assert {a.option for a in decision.alternatives} == {"price_change", "other"}
    assert all(a.score is not None for a in decision.alternatives)
    body_quotes = [e.excerpt for e in decision.evidence if e.location == "body"]
    flat = " ".join(mail.text.split())
    assert body_quotes and all(q in flat for q in body_quotes)
    assert any("force majeure" in q for q in body_quotes)
    assert "force majeure invoked" in decision.rationale


def test_run_gives_json_with_every_extracted_field(agent: RiskMonitorAgent) -> None:
    mail = parse_email(demo_emails()["01_delay_en_huaxin_motors.eml"])
    data = agent.run(
        {"sender": mail.sender, "subject": mail.subject, "body": mail.text, "sent_at": mail.sent_at}
    )
    for key in (
        "classification",
        "supplier_id",
        "items",
        "po_numbers",
        "delay",
        "reason",
        "force_majeure",
        "impacts",
        "severity",
        "decision",
    ):
        assert key in data
    assert data["impacts"][0]["shortfall_qty"] == "1540"
