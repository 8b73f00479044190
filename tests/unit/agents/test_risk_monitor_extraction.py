"""The Risk Monitor's reading of harder phrasings: calendar weeks, date ranges, weak matches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.demo import demo_master_data

SENT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _read(
    body: str,
    *,
    agent: RiskMonitorAgent | None = None,
    sender: str = "vertrieb@giesserei-brandt.example",
) -> RiskMonitorOutput:
    agent = agent or RiskMonitorAgent(demo_master_data())
    return agent.decide(RiskMonitorInput(sender=sender, subject="", body=body, sent_at=SENT))


@pytest.mark.parametrize(
    ("body", "original", "new", "days"),
    [
        # German suppliers promise calendar weeks; the week's Friday counts
        (
            "Der Liefertermin für HSG-GG25-100 verschiebt sich von KW 48 auf KW 51.",
            date(2026, 11, 27),
            date(2026, 12, 18),
            21,
        ),
        (
            "HSG-GG25-100: ursprünglich KW 48/2026, neu KW 2/2027 – leider verzögert.",
            date(2026, 11, 27),
            date(2027, 1, 15),
            49,
        ),
        (
            "Delivery of HSG-GG25-100 is postponed from 1 December to 22 December 2026.",
            date(2026, 12, 1),
            date(2026, 12, 22),
            21,
        ),
        (
            "La livraison HSG-GG25-100 prévue le 30/11/2026 est reportée au 14/12/2026.",
            date(2026, 11, 30),
            date(2026, 12, 14),
            14,
        ),
    ],
)
def test_original_and_new_dates_in_several_forms(
    body: str, original: date, new: date, days: int
) -> None:
    out = _read(body)
    assert out.classification == "delay_notice"
    assert out.delay is not None
    assert (out.delay.original_date, out.delay.new_date, out.delay.days) == (original, new, days)
    assert out.delay.arrival_date == new


def test_a_duration_that_contradicts_the_dates_is_noted() -> None:
    out = _read("HSG-GG25-100 ist um 2 Wochen verzögert: statt 27.11.2026 nun am 14.12.2026.")
    assert out.delay is not None and out.delay.days == 17
    assert "the mail also states '2 Wochen' (14 days)" in out.delay.basis


def test_items_named_only_by_description_are_found() -> None:
    out = _read(
        "Your induction motors 7.5 kW 400 V will be delayed by two weeks.",
        sender="li.wei@huaxin-motors.example",
    )
    assert [(i.sku, i.match) for i in out.items] == [("MTR-7K5-400", "description")]


def test_the_mandates_minimum_match_score_drops_weaker_matches() -> None:
    strict = RiskMonitorAgent(demo_master_data(), min_sku_match_score=99)
    out = _read(
        "Your induction motors 7.5 kW 400 V will be delayed by two weeks.",
        agent=strict,
        sender="li.wei@huaxin-motors.example",
    )
    assert out.items == [] and out.impacts == []
    check = next(g for g in out.decision.guardrails if g.name == "items found in the item master")
    assert not check.passed and "MTR-7K5-400 dropped: match score" in check.detail
    exact = _read(
        "MTR-7K5-400 will be delayed by two weeks.",
        agent=strict,
        sender="li.wei@huaxin-motors.example",
    )
    assert [i.sku for i in exact.items] == ["MTR-7K5-400"]


def test_several_items_and_orders_in_one_notice_each_get_an_impact() -> None:
    out = _read(
        "Due to a furnace breakdown, order PO-2026-0398 (HSG-GG25-100) and order PO-2026-0399 "
        "(IMP-316-200) are delayed by three weeks."
    )
    assert out.po_numbers == ["PO-2026-0398", "PO-2026-0399"]
    assert sorted(i.sku for i in out.impacts) == ["HSG-GG25-100", "IMP-316-200"]
    assert out.severity is not None
    assert out.severity.rank == max(i.severity.rank for i in out.impacts)
    assert out.reason == "a furnace breakdown"


def test_price_change_in_german_is_recognised() -> None:
    out = _read(
        "Sehr geehrte Damen und Herren, aufgrund gestiegener Energiekosten erhöhen wir ab dem "
        "01.01.2027 die Preise für HSG-GG25-100 um 6,5 %. Neuer Stückpreis: 91,59 EUR (bisher 86,00 EUR)."
    )
    assert out.classification == "price_change" and out.next_playbook == "price-change"
    assert out.price_change is not None
    assert str(out.price_change.percent) == "6.5" and out.price_change.effective_date == date(
        2027, 1, 1
    )
    (quote,) = out.price_change.quotes
    assert (str(quote.new_price), str(quote.old_price), quote.currency) == ("91.59", "86.00", "EUR")


def test_items_the_mail_says_are_not_affected_get_no_impact() -> None:
    out = _read(
        "The MTR-7K5-400 motors on PO-2026-0412 are delayed by three weeks. "
        "The 15 kW motors MTR-15K-400 on PO-2026-0413 are not affected and ship as planned.",
        sender="li.wei@huaxin-motors.example",
    )
    assert [i.sku for i in out.items] == ["MTR-7K5-400"]
    assert out.unaffected_skus == ["MTR-15K-400"]
    assert [i.sku for i in out.impacts] == ["MTR-7K5-400"]
    german = _read("HSG-GG25-100 verzögert sich um 10 Tage. SHAFT-42CR-32 ist nicht betroffen.")
    assert [i.sku for i in german.items] == ["HSG-GG25-100"] and german.unaffected_skus == [
        "SHAFT-42CR-32"
    ]
