"""Portal notices (``supplier.*`` CloudEvents) read by the Risk Monitor without any text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.agents.risk_monitor_notice import notice_from_event
from procureflow.demo import demo_master_data
from procureflow.errors import EventInvalid

SENT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _read(event_type: str, data: dict[str, Any]) -> RiskMonitorOutput:
    notice = notice_from_event(event_type, data)
    agent = RiskMonitorAgent(demo_master_data())
    return agent.decide(RiskMonitorInput(message_id="evt-1", sent_at=SENT, notice=notice))


def test_a_portal_delay_notice_gives_the_same_reading_as_a_mail() -> None:
    out = _read(
        "supplier.delay_notice",
        {
            "supplier_id": "SUP-HUAXIN",
            "sku": "MTR-7K5-400",
            "po_number": "po-2026-0412",
            "delay_days": 42,
            "original_date": "2026-11-30",
            "reason": "steel shortage",
        },
    )
    assert (out.classification, out.extraction, out.next_playbook) == (
        "delay_notice",
        "portal",
        "supply-disruption",
    )
    assert (out.supplier_id, out.unknown_sender) == ("SUP-HUAXIN", False)
    assert out.po_numbers == ["PO-2026-0412"]
    assert out.delay is not None and out.delay.arrival_date == date(2027, 1, 11)
    (impact,) = out.impacts
    assert impact.stock_out_date == date(2026, 12, 3) and impact.shortfall_qty == 1540
    assert out.decision.evidence[0].source == "portal event evt-1"
    assert "42 days late" in out.decision.evidence[0].excerpt


def test_unknown_supplier_and_skus_are_flagged() -> None:
    out = _read(
        "supplier.delay_notice",
        {"supplier_id": "SUP-NOBODY", "skus": ["MTR-7K5-400", "NOPE-1"], "delay_days": 7},
    )
    assert out.unknown_sender and out.supplier_id is None
    assert out.unknown_skus == ["NOPE-1"] and [i.sku for i in out.items] == ["MTR-7K5-400"]
    check = next(g for g in out.decision.guardrails if g.name == "sender is a known supplier")
    assert not check.passed and "SUP-NOBODY" in check.detail


def test_price_change_and_other_portal_events() -> None:
    price = _read(
        "supplier.price_changed",
        {
            "supplier_id": "SUP-MIDWEST",
            "sku": "BRG-NU310",
            "price_change_pct": "8.5",
            "effective_date": "2027-01-01",
        },
    )
    assert price.classification == "price_change" and price.price_change is not None
    assert str(price.price_change.percent) == "8.5" and price.impacts == []
    declined = _read("supplier.declined", {"supplier_id": "SUP-KOWALSKI"})
    assert declined.classification == "other" and declined.next_playbook is None


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"supplier_id": "SUP-HUAXIN", "delay_days": -3}, "data.delay_days"),
        ({"supplier_id": "SUP-HUAXIN", "new_date": "next week"}, "data.new_date"),
        ({"sku": "MTR-7K5-400"}, "data.supplier_id"),
    ],
)
def test_bad_event_data_names_the_field(data: dict[str, Any], where: str) -> None:
    with pytest.raises(EventInvalid, match=f"supplier.delay_notice {where}: "):
        notice_from_event("supplier.delay_notice", data)


def test_an_input_needs_a_mail_or_a_notice() -> None:
    with pytest.raises(ValidationError, match="give a mail"):
        RiskMonitorInput(message_id="x")
