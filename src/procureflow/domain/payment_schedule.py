"""When to pay an approved invoice: capture the early-payment discount when it is worth it.

Paying on the discount date gives up the remaining days of supplier credit to save the
discount; that is worth it when the discount's annualised rate beats the company's
cost of capital. Otherwise the invoice is paid on its due date, not earlier. Payment
dates falling on a weekend move to the Friday before, so the money arrives in time.
Credit notes are never paid out: they reduce what is paid to the same supplier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from procureflow.domain.invoice import Invoice
from procureflow.domain.money import Money
from procureflow.domain.payment_terms import (
    PaymentTerms,
    annualised_discount_rate,
    discount_date,
    due_date,
    parse_payment_terms,
)
from procureflow.errors import InvalidInput

ZERO = Decimal(0)
SATURDAY = 5


def previous_business_day(day: date) -> date:
    """``day`` itself on a weekday, else the Friday before."""
    while day.weekday() >= SATURDAY:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class PaymentPlan:
    """The chosen pay date and amount for one invoice, with the reason for the choice."""

    invoice_number: str
    supplier_key: str
    supplier_name: str
    pay_on: date
    amount: Money
    gross_amount: Money
    discount: Money
    takes_discount: bool
    due_date: date
    discount_date: date | None
    annualised_rate: Decimal | None
    reason: str
    offsets: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """A JSON-safe form."""
        return {
            "invoice_number": self.invoice_number,
            "supplier_key": self.supplier_key,
            "pay_on": self.pay_on.isoformat(),
            "amount": self.amount.to_json(),
            "gross_amount": self.gross_amount.to_json(),
            "discount": self.discount.to_json(),
            "takes_discount": self.takes_discount,
            "due_date": self.due_date.isoformat(),
            "discount_date": self.discount_date.isoformat() if self.discount_date else None,
            "annualised_rate": str(self.annualised_rate)
            if self.annualised_rate is not None
            else None,
            "reason": self.reason,
            "offsets": list(self.offsets),
        }


def _terms_for(invoice: Invoice, terms: PaymentTerms | None) -> PaymentTerms | None:
    if terms is not None:
        return terms
    if invoice.payment_terms_text:
        stated_net = (invoice.due_date - invoice.issue_date).days if invoice.due_date else None
        try:
            return parse_payment_terms(invoice.payment_terms_text, default_net_days=stated_net)
        except InvalidInput:
            return None
    return None


def _pct(rate: Decimal) -> str:
    if not rate.is_finite():
        return "an unlimited rate"
    return f"{(rate * 100).quantize(Decimal('0.01'))} %"


def schedule_payment(
    invoice: Invoice,
    terms: PaymentTerms | None,
    *,
    cost_of_capital: Decimal,
    today: date,
) -> PaymentPlan:
    """Choose the pay date and amount of an approved invoice.

    ``cost_of_capital`` is a yearly rate as a fraction (0.08 = 8 %). ``terms`` default
    to the terms written on the invoice; failing those, the invoice's stated due date.
    """
    if invoice.is_credit_note:
        raise InvalidInput(
            f"credit note {invoice.number} is not paid out; offset it against invoices of the same supplier"
        )
    if cost_of_capital < 0:
        raise InvalidInput(f"cost of capital cannot be negative, got {cost_of_capital}")
    gross = invoice.amount_payable
    discount = Money(ZERO, invoice.currency)
    effective = _terms_for(invoice, terms)
    rate: Decimal | None = None
    last_discount_day: date | None = None
    if effective is None:
        if invoice.due_date is None:
            raise InvalidInput(
                f"invoice {invoice.number} has neither readable payment terms nor a due date"
            )
        due = invoice.due_date
        reason = "no payment terms: paid on the due date stated on the invoice"
    else:
        due = due_date(invoice.issue_date, effective)
        last_discount_day = discount_date(invoice.issue_date, effective)
        rate = annualised_discount_rate(effective)
        reason = f"{effective.describe()}: no early-payment discount"
    pay_on = previous_business_day(due)
    discount_pct = effective.discount_pct if effective is not None else None
    if (
        effective is not None
        and discount_pct is not None
        and rate is not None
        and last_discount_day is not None
    ):
        discount_day = previous_business_day(last_discount_day)
        worth = f"{effective.describe()}: discount worth {_pct(rate)} a year"
        if discount_day < today:
            reason = f"{worth}, but its window closed on {last_discount_day.isoformat()}"
        elif rate > cost_of_capital:
            discount = Money(gross.amount * discount_pct / 100, gross.currency).rounded()
            pay_on = discount_day
            reason = f"{worth} beats the cost of capital of {_pct(cost_of_capital)}"
        else:
            reason = f"{worth} does not beat the cost of capital of {_pct(cost_of_capital)}"
    if pay_on < today:
        pay_on = today
        reason += "; overdue, paid at once"
    return PaymentPlan(
        invoice_number=invoice.number,
        supplier_key=invoice.supplier.key,
        supplier_name=invoice.supplier.name,
        pay_on=pay_on,
        amount=gross - discount,
        gross_amount=gross,
        discount=discount,
        takes_discount=discount.amount > 0,
        due_date=due,
        discount_date=last_discount_day,
        annualised_rate=rate,
        reason=reason,
    )


def offset_credit_notes(
    plans: Sequence[PaymentPlan], credit_notes: Iterable[Invoice]
) -> tuple[list[PaymentPlan], list[Invoice]]:
    """Reduce the earliest payments to the same supplier and currency by each credit note.

    Returns the adjusted plans (a plan reduced to zero is dropped) and the credit notes,
    or the part of them, that found nothing to offset (still owed to us).
    """
    adjusted = sorted(plans, key=lambda p: (p.pay_on, p.invoice_number))
    left_over: list[Invoice] = []
    for credit in credit_notes:
        if not credit.is_credit_note:
            raise InvalidInput(f"{credit.number} is an invoice, not a credit note")
        remaining = credit.totals.payable
        for index, plan in enumerate(adjusted):
            if remaining <= 0:
                break
            if plan.supplier_key != credit.supplier.key or plan.amount.currency != credit.currency:
                continue
            used = min(remaining, plan.amount.amount)
            remaining -= used
            adjusted[index] = replace(
                plan,
                amount=Money(plan.amount.amount - used, plan.amount.currency),
                offsets=(*plan.offsets, f"{credit.number}:{used}"),
            )
        if remaining > 0:
            left_over.append(credit)
    return [plan for plan in adjusted if plan.amount.amount > 0], left_over


__all__ = ["PaymentPlan", "offset_credit_notes", "previous_business_day", "schedule_payment"]
