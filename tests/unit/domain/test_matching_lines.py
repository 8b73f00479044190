"""2-way and 3-way matching line by line: what an accounts-payable clerk would see."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from matching_factories import D, inv_line, invoice, po, po_line, receipt

from procureflow.domain.matching import MatchMode, match_invoice
from procureflow.domain.matching_outcomes import MatchDecision, Outcome
from procureflow.domain.matching_rules import (
    CategoryTolerances,
    MatchingTolerances,
    Tolerance,
)
from procureflow.domain.purchase_order import Milestone
from procureflow.errors import InvalidInput

STRICT = MatchingTolerances(
    default=CategoryTolerances(price=Tolerance(pct=D(2), absolute=D(50)), quantity=Tolerance())
)


def test_invoice_that_agrees_with_po_and_receipt_is_approved() -> None:
    order = po(po_line("1", 10, "20.00"), po_line("2", 5, "100.00"))
    bill = invoice(
        inv_line("1", 10, "20.00", po_line_ref="1"), inv_line("2", 5, "100.00", po_line_ref="2")
    )
    result = match_invoice(bill, order, [receipt(("1", 10), ("2", 5))], tolerances=STRICT)
    assert result.decision is MatchDecision.APPROVE
    assert result.reason_codes == ["matched"]
    assert [line.po_line_id for line in result.lines] == ["1", "2"]


def test_price_above_tolerance_goes_to_the_buyer_with_the_figures() -> None:
    order = po(po_line("1", 10, "20.00"))
    bill = invoice(inv_line("1", 10, "20.50", po_line_ref="1"))  # +2.5 %
    result = match_invoice(bill, order, [receipt(("1", 10))], tolerances=STRICT)
    finding = result.findings[0]
    assert result.decision is MatchDecision.REVIEW
    assert finding.code is Outcome.PRICE_OVER_TOLERANCE
    assert finding.owner_role == "buyer"
    assert finding.figures["expected"] == "20.00"
    assert finding.figures["actual"] == "20.50"
    assert finding.figures["deviation_pct"] == "2.50"
    assert finding.figures["allowed_pct"] == "2"


def test_price_within_percent_but_above_absolute_limit_is_flagged_when_stricter() -> None:
    order = po(po_line("1", 1000, "10.00"))
    bill = invoice(inv_line("1", 1000, "10.10", po_line_ref="1"))  # +1 %, +100 EUR on the line
    stricter = match_invoice(bill, order, [receipt(("1", 1000))], tolerances=STRICT)
    assert stricter.reason_codes == ["price_over_tolerance"]
    looser = MatchingTolerances(
        default=CategoryTolerances(
            price=Tolerance(pct=D(2), absolute=D(50), combine="looser"), quantity=Tolerance()
        )
    )
    assert match_invoice(bill, order, [receipt(("1", 1000))], tolerances=looser).matched


def test_price_below_po_is_accepted_one_sided_and_flagged_two_sided() -> None:
    order = po(po_line("1", 10, "20.00"))
    bill = invoice(inv_line("1", 10, "15.00", po_line_ref="1"))
    assert match_invoice(bill, order, [receipt(("1", 10))], tolerances=STRICT).matched
    two_sided = MatchingTolerances(
        default=CategoryTolerances(price=Tolerance(pct=D(2), two_sided=True), quantity=Tolerance())
    )
    result = match_invoice(bill, order, [receipt(("1", 10))], tolerances=two_sided)
    assert result.reason_codes == ["price_under_tolerance"]


def test_per_category_tolerance_applies_to_lines_of_that_category() -> None:
    tolerances = MatchingTolerances(
        default=STRICT.default,
        by_category={"Freight": CategoryTolerances(price=Tolerance(pct=D(10)))},
    )
    order = po(po_line("1", 1, "100.00", category="freight"), po_line("2", 1, "100.00"))
    bill = invoice(
        inv_line("1", 1, "108.00", po_line_ref="1"), inv_line("2", 1, "108.00", po_line_ref="2")
    )
    result = match_invoice(bill, order, [receipt(("1", 1), ("2", 1))], tolerances=tolerances)
    assert [line.outcome for line in result.lines] == [
        Outcome.MATCHED,
        Outcome.PRICE_OVER_TOLERANCE,
    ]


def test_quantity_over_received_goes_to_receiving() -> None:
    order = po(po_line("1", 10, "20.00"))
    bill = invoice(inv_line("1", 10, "20.00", po_line_ref="1"))
    result = match_invoice(bill, order, [receipt(("1", 7))], tolerances=STRICT)
    finding = result.findings[0]
    assert finding.code is Outcome.QUANTITY_OVER_RECEIVED
    assert finding.owner_role == "receiving"
    assert (finding.figures["expected"], finding.figures["actual"]) == ("7", "10")


def test_quantities_add_up_across_lines_receipts_and_earlier_invoices() -> None:
    order = po(po_line("1", 10, "20.00"))
    receipts = [receipt(("1", 4)), receipt(("1", 4), receipt_id="GR-2")]
    split = invoice(
        inv_line("1", 5, "20.00", po_line_ref="1"), inv_line("2", 3, "20.00", po_line_ref="1")
    )
    assert match_invoice(split, order, receipts, tolerances=STRICT).matched
    later = invoice(inv_line("1", 2, "20.00", po_line_ref="1"), number="INV-0002")
    result = match_invoice(
        later, order, receipts, tolerances=STRICT, previously_invoiced={"1": D(8)}
    )
    assert result.reason_codes == ["quantity_over_received"]


def test_quantity_over_ordered_is_flagged_even_in_two_way() -> None:
    order = po(po_line("1", 10, "20.00"))
    bill = invoice(inv_line("1", 12, "20.00", po_line_ref="1"))
    result = match_invoice(bill, order, mode=MatchMode.TWO_WAY, tolerances=STRICT)
    assert result.reason_codes == ["quantity_over_ordered"]
    lenient = MatchingTolerances(
        default=CategoryTolerances(price=Tolerance(), quantity=Tolerance(pct=D(20)))
    )
    assert match_invoice(bill, order, mode=MatchMode.TWO_WAY, tolerances=lenient).matched


def test_missing_receipt_blocks_three_way_but_not_two_way_or_service_lines() -> None:
    order = po(po_line("1", 10, "20.00"), po_line("2", 1, "500.00", requires_receipt=False))
    bill = invoice(
        inv_line("1", 10, "20.00", po_line_ref="1"), inv_line("2", 1, "500.00", po_line_ref="2")
    )
    three = match_invoice(bill, order, [], tolerances=STRICT)
    assert [line.outcome for line in three.lines] == [Outcome.MISSING_RECEIPT, Outcome.MATCHED]
    assert three.findings[0].owner_role == "requester"
    assert match_invoice(bill, order, [], tolerances=STRICT, mode=MatchMode.TWO_WAY).matched


def test_lines_pair_by_reference_then_sku_then_description() -> None:
    order = po(
        po_line("10", 1, "5.00", sku="AB-1"),
        po_line("20", 1, "5.00", description="Hydraulic pump, 3 kW"),
        po_line("30", 1, "5.00"),
    )
    bill = invoice(
        inv_line("1", 1, "5.00", po_line_ref="0030"),
        inv_line("2", 1, "5.00", sku="ab-1", description="whatever"),
        inv_line("3", 1, "5.00", description="HYDRAULIC PUMP 3KW"),
        inv_line("4", 1, "5.00", description="Something never ordered"),
    )
    result = match_invoice(
        bill, order, [receipt(("10", 1), ("20", 1), ("30", 1))], tolerances=STRICT
    )
    assert [(ln.po_line_id, ln.matched_by) for ln in result.lines] == [
        ("30", "po_line_ref"),
        ("10", "sku"),
        ("20", "description"),
        (None, None),
    ]
    assert result.lines[3].outcome is Outcome.MISSING_PO_LINE


def test_milestone_billing_needs_the_milestone_completed() -> None:
    open_milestone = Milestone("M1", "Design approved", D("5000.00"))
    done = Milestone("M1", "Design approved", D("5000.00"), completed_on=date(2026, 2, 20))
    line = po_line("1", 1, "5000.00", milestone_id="M1", requires_receipt=False)
    bill = invoice(inv_line("1", 1, "5000.00", po_line_ref="1"))
    pending = match_invoice(bill, po(line, milestones=(open_milestone,)), tolerances=STRICT)
    assert pending.reason_codes == ["milestone_not_completed"]
    assert pending.findings[0].owner_role == "project_manager"
    assert match_invoice(bill, po(line, milestones=(done,)), tolerances=STRICT).matched
    greedy = invoice(inv_line("1", 1, "5600.00", po_line_ref="1"))
    over = match_invoice(greedy, po(line, milestones=(done,)), tolerances=STRICT)
    assert "milestone_amount_exceeded" in over.reason_codes


def test_credit_note_reduces_what_was_invoiced_and_cannot_exceed_it() -> None:
    order = po(po_line("1", 10, "20.00"))
    credit = invoice(inv_line("1", 2, "20.00", po_line_ref="1"), number="CN-1", credit=True)
    fine = match_invoice(credit, order, [receipt(("1", 10))], previously_invoiced={"1": D(10)})
    assert fine.matched
    assert credit.signed_payable.amount < 0
    too_much = match_invoice(credit, order, [receipt(("1", 10))], previously_invoiced={"1": D(1)})
    assert too_much.reason_codes == ["credit_exceeds_invoiced"]


def test_currency_and_supplier_mismatch_are_header_findings() -> None:
    order = po(po_line("1", 10, "20.00"), currency="USD", supplier_tax_id="DE999999999")
    bill = invoice(inv_line("1", 10, "20.00", po_line_ref="1"))
    result = match_invoice(bill, order, [receipt(("1", 10))], tolerances=STRICT)
    assert result.reason_codes[:2] == ["currency_mismatch", "supplier_mismatch"]
    assert result.decision is MatchDecision.REVIEW


def test_invoice_without_a_known_po_is_reported_missing() -> None:
    result = match_invoice(invoice(inv_line("1", 1, "1.00")), None)
    assert result.reason_codes == ["missing_po"]
    assert "PO-1001" in result.findings[0].message


def test_result_is_json_ready_for_the_exception_queue() -> None:
    order = po(po_line("1", 10, "20.00"))
    result = match_invoice(
        invoice(inv_line("1", 10, "25.00", po_line_ref="1")), order, [receipt(("1", 10))]
    )
    data = result.to_json()
    assert data["decision"] == "review"
    assert data["lines"][0]["findings"][0]["code"] == "price_over_tolerance"
    assert data["lines"][0]["findings"][0]["owner_role"] == "buyer"


def test_tolerances_are_read_from_configuration() -> None:
    config = {
        "default": {"price": {"pct": "1.5", "absolute": 25}, "quantity": {"pct": 0}},
        "categories": {"services": {"price": {"pct": 5, "two_sided": True, "combine": "looser"}}},
    }
    tolerances = MatchingTolerances.from_mapping(config)
    assert tolerances.default.price == Tolerance(pct=D("1.5"), absolute=D(25))
    assert tolerances.for_category("SERVICES").price.two_sided
    assert tolerances.for_category("unknown") == tolerances.default
    with pytest.raises(InvalidInput, match="percent"):
        MatchingTolerances.from_mapping({"default": {"price": {"percent": 2}}})
    with pytest.raises(InvalidInput, match="not a number"):
        MatchingTolerances.from_mapping({"default": {"price": {"pct": "two"}}})
    with pytest.raises(InvalidInput, match="negative"):
        Tolerance(pct=Decimal(-1))


def test_document_charges_beyond_what_the_po_agreed_go_to_the_buyer() -> None:
    order = po(po_line("1", 10, "20.00"))
    bill = invoice(inv_line("1", 10, "20.00", po_line_ref="1"))
    with_freight = replace(bill, totals=replace(bill.totals, charge_total=D("45.00")))
    result = match_invoice(with_freight, order, [receipt(("1", 10))], tolerances=STRICT)
    assert result.reason_codes == ["unplanned_charges"]
    assert result.findings[0].owner_role == "buyer"
    assert result.findings[0].figures["actual"] == "45.00"
    agreed = replace(order, agreed_charges=D("45.00"))
    assert match_invoice(with_freight, agreed, [receipt(("1", 10))], tolerances=STRICT).matched
    offset = replace(
        bill, totals=replace(bill.totals, charge_total=D("45"), allowance_total=D("45"))
    )
    assert match_invoice(offset, order, [receipt(("1", 10))], tolerances=STRICT).matched
    lenient = MatchingTolerances.from_mapping({"charges": {"absolute": "50"}})
    assert match_invoice(with_freight, order, [receipt(("1", 10))], tolerances=lenient).matched
    with pytest.raises(InvalidInput, match="unknown keys"):
        MatchingTolerances.from_mapping({"defaults": {}})
