"""What the monitors judge: expiry windows, milestone lateness, accuracy, risk drift,
and the webhook signature."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from procureflow.domain.monitoring import (
    accuracy_verdict,
    expiry_window,
    milestone_state,
    risk_drift,
)
from procureflow.domain.webhook_signature import signature, verify

TODAY = date(2027, 1, 1)
WINDOWS = (90, 60, 30)


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [
        (date(2027, 5, 1), None),  # 120 days
        (date(2027, 4, 1), "90"),  # exactly 90 days
        (date(2027, 3, 2), "60"),  # 60 days
        (date(2027, 1, 31), "30"),  # 30 days
        (date(2027, 1, 1), "30"),  # valid through its expiry day
        (date(2026, 12, 31), "expired"),
    ],
)
def test_expiry_windows_are_the_narrowest_that_holds(expiry: date, expected: str | None) -> None:
    assert expiry_window(expiry, TODAY, WINDOWS) == expected


def test_milestone_state_by_due_date() -> None:
    assert milestone_state(date(2027, 1, 20), TODAY, 7) is None
    assert milestone_state(date(2027, 1, 8), TODAY, 7) == "due_soon"
    assert milestone_state(TODAY, TODAY, 7) == "due_soon"
    assert milestone_state(date(2026, 12, 31), TODAY, 7) == "overdue"


def test_accuracy_needs_enough_invoices_and_flags_high_or_rising_rates() -> None:
    rules = {"min_invoices": 5, "max_rate": Decimal("0.10"), "rising_by": Decimal("0.05")}
    assert accuracy_verdict(4, 4, 0, 0, **rules) is None, "too few to judge"
    assert accuracy_verdict(10, 1, 10, 1, **rules) is None, "10 % is within the limit"
    high = accuracy_verdict(10, 2, 0, 0, **rules)
    assert high is not None and high.rate == Decimal("0.2000") and high.previous_rate is None
    rising = accuracy_verdict(20, 2, 20, 0, **rules)
    assert rising is not None and rising.reasons == ("mismatch rate rose from 0.0% to 10.0%",)


def test_risk_drift_reports_changes_not_standing_levels() -> None:
    limits = {
        "esg_drop": Decimal(10),
        "esg_floor": Decimal(40),
        "altman_z_floor": Decimal("1.81"),
        "altman_z_drop": Decimal("0.5"),
    }
    before = {"esg_score": Decimal(55), "altman_z": Decimal("2.0")}
    assert risk_drift(before, before, **limits) == []
    assert risk_drift(before, {**before, "esg_score": Decimal(44)}, **limits) == [
        "ESG score fell from 55 to 44"
    ]
    assert risk_drift(before, {**before, "altman_z": Decimal("1.7")}, **limits) == [
        "Altman Z 1.7 is now below the distress line 1.81"
    ]
    low = {"esg_score": Decimal(30), "altman_z": Decimal("1.0")}
    assert risk_drift(low, {"esg_score": Decimal(29), "altman_z": Decimal("0.9")}, **limits) == []


def test_webhook_signature_binds_secret_body_and_time() -> None:
    header = signature("k", 1_700_000_000, b'{"a":1}')
    assert header.startswith("t=1700000000,v1=")
    assert verify("k", header, b'{"a":1}', 1_700_000_100)
    assert not verify("k", header, b'{"a":2}', 1_700_000_100)
    assert not verify("x", header, b'{"a":1}', 1_700_000_100)
    assert not verify("k", header, b'{"a":1}', 1_700_000_400)
    assert not verify("k", "garbage", b'{"a":1}', 1_700_000_000)
