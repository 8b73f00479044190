"""Payment terms: the shapes suppliers write, the dates and the discount maths."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procureflow.domain.payment_terms import (
    PaymentTerms,
    annualised_discount_rate,
    discount_date,
    due_date,
    parse_payment_terms,
)
from procureflow.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "net", "pct", "days"),
    [
        ("net 30", 30, None, None),
        ("NET30", 30, None, None),
        ("Net 45 days", 45, None, None),
        ("N30", 30, None, None),
        ("30 days net", 30, None, None),
        ("thirty (30) days net", 30, None, None),
        ("payable within thirty days", 30, None, None),
        ("Payment due within forty-five (45) days of invoice", 45, None, None),
        ("Payable in sixty days from receipt of invoice", 60, None, None),
        ("due on receipt", 0, None, None),
        ("2/10 net 30", 30, Decimal("2"), 10),
        ("2/10 n/30", 30, Decimal("2"), 10),
        ("2/10, net 30", 30, Decimal("2"), 10),
        ("1.5/15 net 60", 60, Decimal("1.5"), 15),
        ("2% 10 days net 30", 30, Decimal("2"), 10),
        ("2 percent 10 days net 30", 30, Decimal("2"), 10),
        ("2% discount if paid within ten days, otherwise net thirty", 30, Decimal("2"), 10),
    ],
)
def test_terms_written_in_words_or_digits_are_read(
    text: str, net: int, pct: Decimal | None, days: int | None
) -> None:
    terms = parse_payment_terms(text)
    assert (terms.net_days, terms.discount_pct, terms.discount_days) == (net, pct, days)
    assert terms.text == text


@pytest.mark.parametrize("text", ["", "   ", "hello", "pay whenever you like"])
def test_unreadable_terms_are_refused_naming_the_text(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_payment_terms(text)
    assert "payment terms" in str(caught.value)
    if text.strip():
        assert text in str(caught.value)


def test_discount_longer_than_net_period_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must not exceed"):
        parse_payment_terms("2/40 net 30")


def test_due_and_discount_dates_count_calendar_days_from_the_invoice_date() -> None:
    terms = parse_payment_terms("2/10 net 30")
    assert due_date(date(2026, 1, 25), terms) == date(2026, 2, 24)
    assert discount_date(date(2026, 1, 25), terms) == date(2026, 2, 4)
    assert discount_date(date(2026, 1, 25), parse_payment_terms("net 30")) is None


def test_two_ten_net_thirty_is_worth_about_37_percent_a_year() -> None:
    rate = annualised_discount_rate(parse_payment_terms("2/10 net 30"))
    assert rate is not None
    assert round(rate * 100, 2) == Decimal("37.24")
    assert annualised_discount_rate(parse_payment_terms("net 30")) is None


@given(
    pct=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9.9"), places=1),
    discount_days=st.integers(min_value=0, max_value=60),
    extra=st.integers(min_value=1, max_value=120),
)
def test_short_notation_round_trips(pct: Decimal, discount_days: int, extra: int) -> None:
    net = discount_days + extra
    terms = PaymentTerms(net_days=net, discount_pct=pct, discount_days=discount_days)
    assert parse_payment_terms(terms.describe()) == terms
    assert parse_payment_terms(f"{pct}% {discount_days} days net {net}") == terms


@given(
    pct=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("5"), places=2),
    discount_days=st.integers(min_value=0, max_value=30),
    extra=st.integers(min_value=1, max_value=60),
)
def test_longer_wait_for_the_same_discount_is_worth_less(
    pct: Decimal, discount_days: int, extra: int
) -> None:
    near = PaymentTerms(
        net_days=discount_days + extra, discount_pct=pct, discount_days=discount_days
    )
    far = PaymentTerms(
        net_days=discount_days + extra + 1, discount_pct=pct, discount_days=discount_days
    )
    near_rate, far_rate = annualised_discount_rate(near), annualised_discount_rate(far)
    assert near_rate is not None and far_rate is not None
    assert far_rate < near_rate


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("Betalingstermijn: 14 dagen netto", "net 14"),
        ("30 Tage netto", "net 30"),
        ("30 jours net", "net 30"),
        ("50% prepaid, 50% within one month", "net 30"),
        ("within two months", "net 60"),
        ("Zahlbar innerhalb 14 Tagen mit 2% Skonto, 30 Tage netto", "2/14 net 30"),
        ("2% discount within 10 days, net 45", "2/10 net 45"),
    ],
)
def test_other_languages_and_months_are_read(text: str, described: str) -> None:
    assert parse_payment_terms(text).describe() == described


def test_discount_without_net_period_needs_one_from_elsewhere() -> None:
    text = "2 % discount if paid within 2 days\nPenalty percentage 10% from due date"
    with pytest.raises(InvalidInput, match="no net period"):
        parse_payment_terms(text)
    terms = parse_payment_terms(text, default_net_days=20)
    assert (terms.discount_pct, terms.discount_days, terms.net_days) == (Decimal(2), 2, 20)
    assert (
        parse_payment_terms("Payment within 10 days, 2% discount", default_net_days=30).describe()
        == "2/10 net 30"
    )
