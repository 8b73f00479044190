"""Pay on the discount date when the discount beats the cost of capital, else on the due date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_factories import SUPPLIER, inv_line, invoice

from procureflow.domain.invoice import Party
from procureflow.domain.payment_schedule import (
    offset_credit_notes,
    previous_business_day,
    schedule_payment,
)
from procureflow.domain.payment_terms import annualised_discount_rate, parse_payment_terms
from procureflow.errors import InvalidInput

# Issued on Monday 2 March 2026: day 10 is Thursday 12 March, day 30 is Wednesday 1 April.
BILL = invoice(inv_line("1", 10, "100.00"), issued=date(2026, 3, 2))
TWO_TEN = parse_payment_terms("2/10 net 30")


def test_discount_worth_more_than_capital_is_taken() -> None:
    plan = schedule_payment(BILL, TWO_TEN, cost_of_capital=Decimal("0.08"), today=date(2026, 3, 3))
    assert plan.takes_discount
    assert plan.pay_on == date(2026, 3, 12)
    assert plan.discount.amount == Decimal("24.20")  # 2 % of 1210.00
    assert plan.amount.amount == plan.gross_amount.amount - Decimal("24.20")
    assert "37.24 %" in plan.reason and "beats" in plan.reason


def test_discount_worth_less_than_capital_waits_for_the_due_date() -> None:
    plan = schedule_payment(BILL, TWO_TEN, cost_of_capital=Decimal("0.40"), today=date(2026, 3, 3))
    assert not plan.takes_discount
    assert plan.pay_on == date(2026, 4, 1)
    assert plan.amount == plan.gross_amount
    assert "does not beat" in plan.reason


def test_closed_discount_window_pays_the_full_amount_on_the_due_date() -> None:
    plan = schedule_payment(BILL, TWO_TEN, cost_of_capital=Decimal("0.05"), today=date(2026, 3, 20))
    assert (plan.takes_discount, plan.pay_on) == (False, date(2026, 4, 1))
    assert "closed" in plan.reason


def test_weekend_dates_move_to_the_friday_before() -> None:
    saturday_issue = replace(BILL, issue_date=date(2026, 2, 28))  # net 30 lands on Monday 30 March
    plan = schedule_payment(
        saturday_issue,
        parse_payment_terms("2/7 net 30"),
        cost_of_capital=Decimal("0.01"),
        today=date(2026, 2, 28),
    )
    assert plan.discount_date == date(2026, 3, 7)  # a Saturday
    assert plan.pay_on == date(2026, 3, 6)
    assert previous_business_day(date(2026, 3, 8)) == date(2026, 3, 6)


def test_overdue_invoice_is_paid_today() -> None:
    plan = schedule_payment(
        BILL, parse_payment_terms("net 14"), cost_of_capital=Decimal("0.05"), today=date(2026, 5, 4)
    )
    assert plan.pay_on == date(2026, 5, 4)
    assert "overdue" in plan.reason


def test_terms_on_the_invoice_are_used_when_none_are_given() -> None:
    written = replace(BILL, payment_terms_text="3% 10 days, net 60")
    plan = schedule_payment(written, None, cost_of_capital=Decimal("0.10"), today=date(2026, 3, 2))
    assert plan.takes_discount and plan.discount.amount == Decimal("36.30")


def test_without_terms_or_due_date_the_invoice_cannot_be_scheduled() -> None:
    with pytest.raises(InvalidInput, match="neither readable payment terms nor a due date"):
        schedule_payment(BILL, None, cost_of_capital=Decimal("0.05"), today=date(2026, 3, 2))
    stated = replace(BILL, due_date=date(2026, 4, 15))
    assert schedule_payment(
        stated, None, cost_of_capital=Decimal("0.05"), today=date(2026, 3, 2)
    ).pay_on == date(2026, 4, 15)


def test_credit_notes_are_offset_not_paid() -> None:
    credit = invoice(inv_line("1", 1, "100.00"), number="CN-1", credit=True)
    with pytest.raises(InvalidInput, match="not paid out"):
        schedule_payment(credit, TWO_TEN, cost_of_capital=Decimal("0.05"), today=date(2026, 3, 2))
    other_supplier = invoice(
        inv_line("1", 1, "50.00"), number="INV-9", supplier=Party(name="Other", vat_id="BE0999")
    )
    plans = [
        schedule_payment(bill, TWO_TEN, cost_of_capital=Decimal("0.5"), today=date(2026, 3, 2))
        for bill in (BILL, other_supplier)
    ]
    adjusted, left = offset_credit_notes(plans, [credit])
    mine = next(p for p in adjusted if p.supplier_key == SUPPLIER.key)
    theirs = next(p for p in adjusted if p.supplier_key != SUPPLIER.key)
    assert mine.amount.amount == Decimal("1210.00") - Decimal("121.00")
    assert mine.offsets == ("CN-1:121.00",)
    assert theirs.amount.amount == Decimal("60.50")
    assert left == []


def test_credit_larger_than_open_payments_is_left_over() -> None:
    credit = invoice(inv_line("1", 100, "100.00"), number="CN-2", credit=True)
    plan = schedule_payment(BILL, TWO_TEN, cost_of_capital=Decimal("0.5"), today=date(2026, 3, 2))
    adjusted, left = offset_credit_notes([plan], [credit])
    assert adjusted == [] and left == [credit]


@given(
    pct=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("5"), places=1),
    discount_days=st.integers(min_value=1, max_value=20),
    extra=st.integers(min_value=5, max_value=80),
    capital=st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=3),
)
def test_discount_is_taken_exactly_when_its_rate_beats_capital(
    pct: Decimal, discount_days: int, extra: int, capital: Decimal
) -> None:
    terms = parse_payment_terms(f"{pct}/{discount_days} net {discount_days + extra}")
    plan = schedule_payment(BILL, terms, cost_of_capital=capital, today=date(2026, 2, 1))
    rate = annualised_discount_rate(terms)
    assert rate is not None
    assert plan.takes_discount == (rate > capital)
    assert plan.pay_on <= plan.due_date
