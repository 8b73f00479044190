"""Duplicate invoices are caught; near duplicates go to a person, never to the bin."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_factories import D, inv_line, invoice, po, po_line, receipt

from procureflow.domain.invoice import Party
from procureflow.domain.invoice_duplicates import (
    DuplicatePolicy,
    InvoiceFingerprint,
    find_duplicates,
    normalise_invoice_number,
)
from procureflow.domain.matching import match_invoice
from procureflow.domain.matching_outcomes import MatchDecision, Outcome
from procureflow.domain.matching_rules import Tolerance

ORDER = po(po_line("1", 10, "20.00"))
RECEIPTS = [receipt(("1", 10))]
FIRST = invoice(inv_line("1", 10, "20.00", po_line_ref="1"), number="INV-00042", sha256="a" * 64)


@pytest.mark.parametrize("variant", ["inv 42", "INV42", "inv-042", "Inv.0042", " INV/00042 "])
def test_number_variants_normalise_to_the_same_key(variant: str) -> None:
    assert normalise_invoice_number(variant) == normalise_invoice_number("INV-00042") == "INV42"


def test_different_numbers_stay_different() -> None:
    assert normalise_invoice_number("INV-420") != normalise_invoice_number("INV-42")


def test_same_supplier_and_normalised_number_is_rejected_as_duplicate() -> None:
    again = invoice(inv_line("1", 10, "20.00", po_line_ref="1"), number="inv 42", sha256="b" * 64)
    result = match_invoice(
        again, ORDER, RECEIPTS, earlier_invoices=[InvoiceFingerprint.of(FIRST, invoice_id="I-1")]
    )
    assert result.decision is MatchDecision.REJECT
    assert result.reason_codes[0] == "duplicate"
    assert result.findings[0].figures["earlier_invoice"] == "I-1"


def test_same_file_is_a_duplicate_even_under_another_supplier_key() -> None:
    other = Party(name="Someone Else", vat_id="DE111")
    same_file = invoice(inv_line("1", 1, "1.00"), number="X-9", supplier=other, sha256="a" * 64)
    findings = find_duplicates(InvoiceFingerprint.of(same_file), [InvoiceFingerprint.of(FIRST)])
    assert [f.code for f in findings] == [Outcome.DUPLICATE]
    assert "same file" in findings[0].message


def test_near_duplicate_goes_to_review_and_is_never_rejected() -> None:
    near = invoice(
        inv_line("1", 10, "20.00", po_line_ref="1"),
        number="INV-00042A",
        issued=FIRST.issue_date + timedelta(days=3),
    )
    result = match_invoice(near, ORDER, RECEIPTS, earlier_invoices=[InvoiceFingerprint.of(FIRST)])
    assert result.reason_codes == ["possible_duplicate"]
    assert result.decision is MatchDecision.REVIEW


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"issued": date(2026, 5, 1)}, "outside the window"),
        ({"supplier": Party(name="Other", vat_id="BE0123")}, "another supplier"),
        ({"number": "ZZ-77781"}, "a dissimilar number"),
    ],
)
def test_not_a_near_duplicate_when(change: dict[str, object], why: str) -> None:
    kwargs: dict[str, object] = {"number": "INV-00042A", "issued": FIRST.issue_date}
    kwargs.update(change)
    other = invoice(inv_line("1", 10, "20.00", po_line_ref="1"), **kwargs)  # type: ignore[arg-type]
    assert find_duplicates(InvoiceFingerprint.of(other), [InvoiceFingerprint.of(FIRST)]) == [], why


def test_a_different_amount_is_not_a_near_duplicate_unless_allowed() -> None:
    other = invoice(inv_line("1", 9, "20.00", po_line_ref="1"), number="INV-00042B")
    earlier = [InvoiceFingerprint.of(FIRST)]
    assert find_duplicates(InvoiceFingerprint.of(other), earlier) == []
    lenient = DuplicatePolicy(amount_tolerance=Decimal("50"))
    assert [f.code for f in find_duplicates(InvoiceFingerprint.of(other), earlier, lenient)] == [
        Outcome.POSSIBLE_DUPLICATE
    ]


def test_credit_note_with_the_invoice_number_is_not_a_duplicate() -> None:
    credit = invoice(inv_line("1", 1, "20.00", po_line_ref="1"), number="INV-00042", credit=True)
    assert find_duplicates(InvoiceFingerprint.of(credit), [InvoiceFingerprint.of(FIRST)]) == []


def test_the_invoice_itself_is_not_its_own_duplicate() -> None:
    own = InvoiceFingerprint.of(FIRST, invoice_id="I-1")
    assert find_duplicates(own, [own]) == []


@given(
    expected=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    pct=st.decimals(min_value=Decimal(0), max_value=Decimal(50), places=1),
)
def test_price_exactly_on_the_percent_limit_is_within_and_one_step_more_is_not(
    expected: Decimal, pct: Decimal
) -> None:
    tolerance = Tolerance(pct=pct)
    at_limit = expected + expected * pct / 100
    assert tolerance.check(expected, at_limit).within
    assert not tolerance.check(expected, at_limit + Decimal("0.0001")).within
    assert tolerance.check(expected, expected - expected).within  # one-sided: lower is fine


@given(
    quantity=st.integers(min_value=1, max_value=10_000),
    step=st.decimals(min_value=Decimal(0), max_value=Decimal(5), places=2),
)
def test_absolute_price_limit_is_money_per_line(quantity: int, step: Decimal) -> None:
    tolerance = Tolerance(absolute=step * quantity, two_sided=True)
    assert tolerance.check(D(10), D(10) + step, weight=D(quantity)).within
    assert tolerance.check(D(10), D(10) - step, weight=D(quantity)).within
    assert not tolerance.check(D(10), D(10) + step + Decimal("0.001"), weight=D(quantity)).within
