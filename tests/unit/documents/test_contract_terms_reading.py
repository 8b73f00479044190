"""Contract terms read from DOCX and PDF contracts, each with the place it was read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from procureflow.demo.contracts import SampleContract, SampleMilestone, sample_contract_docx
from procureflow.documents.contract_terms import extract_contract_terms
from procureflow.errors import DocumentRejected
from tests.factories_payables import lines_pdf

SERVICE_PDF = [
    [
        "SERVICE AGREEMENT",
        "Agreement No. SA-77",
        "Supplier: Acme Services Ltd, VAT ID GB123456789",
        "Buyer: Hanse Maschinenbau AG",
        "The contract price is GBP 9,000.00.",
        "This agreement commences on 1 February 2026 and expires on 31 January 2027.",
    ],
    [
        "Milestone 1: Kick-off workshop, due 3 March 2026, GBP 3,000.00",
        "Milestone 2: Final report, due 30 April 2026, GBP 6,000.00",
        "Invoices are payable within thirty days of receipt.",
        "Liquidated damages: 1% per day of delay, not to exceed 10% of the contract price.",
        "The Supplier shall be certified to ISO 27001 throughout the term.",
    ],
]


def test_the_sample_docx_yields_every_term_with_its_paragraph_or_table_row() -> None:
    terms = extract_contract_terms(sample_contract_docx(), "contract.docx")
    assert terms.missing == ()
    assert terms.contract_number == "C-2026-0042"
    assert terms.buyer is not None and terms.buyer.name == "Hanse Maschinenbau AG"
    supplier = terms.supplier
    assert supplier is not None
    assert (supplier.name, supplier.tax_id) == ("Nordwind Anlagenbau GmbH", "DE811907980")
    assert (supplier.iban, supplier.bic) == ("DE89370400440532013000", "COBADEFFXXX")
    assert terms.value is not None
    assert (terms.value.amount, terms.value.currency) == (Decimal("48000.00"), "EUR")
    assert terms.value.evidence.location.startswith("paragraph ")
    assert terms.effective_date and terms.effective_date.value == date(2026, 3, 1)
    assert terms.end_date and terms.end_date.value == date(2027, 2, 28)
    assert terms.payment_terms is not None and terms.payment_terms.notation == "2/10 net 30"
    assert [(i.sku, i.quantity, i.unit_price) for i in terms.items] == [
        ("CM-200", Decimal(20), Decimal("1500.00")),
        ("DU-10", Decimal(4), Decimal("1500.00")),
    ]
    assert [(m.name, m.due_date, m.amount) for m in terms.milestones] == [
        ("Installation on site", date(2026, 5, 15), Decimal("6000.00")),
        ("Commissioning and acceptance", date(2026, 6, 30), Decimal("6000.00")),
    ]
    assert terms.milestones[0].evidence.location == "table 2, row 1"
    ld = terms.liquidated_damages
    assert ld is not None and (ld.rate_pct, ld.period, ld.cap_pct) == (
        Decimal("0.5"),
        "week",
        Decimal(5),
    )
    assert {(c.name, c.valid_until) for c in terms.certifications} == {
        ("ISO 9001:2015", date(2027, 6, 30)),
        ("ISO 14001:2015", date(2026, 12, 31)),
    }


def test_a_pdf_contract_gives_prose_milestones_terms_in_words_and_page_evidence() -> None:
    terms = extract_contract_terms(lines_pdf(SERVICE_PDF), "service.pdf")
    assert terms.supplier is not None and terms.supplier.tax_id == "GB123456789"
    assert terms.value is not None and terms.value.currency == "GBP"
    assert terms.effective_date and terms.effective_date.value == date(2026, 2, 1)
    assert terms.end_date and terms.end_date.value == date(2027, 1, 31)
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 30
    assert terms.payment_terms.evidence.location == "page 2"
    assert [(m.name, m.amount) for m in terms.milestones] == [
        ("Kick-off workshop", Decimal("3000.00")),
        ("Final report", Decimal("6000.00")),
    ]
    ld = terms.liquidated_damages
    assert ld is not None and (ld.period, ld.cap_pct) == ("day", Decimal(10))
    assert [c.name for c in terms.certifications] == ["ISO 27001"]


def test_terms_the_rules_cannot_find_are_listed_as_missing() -> None:
    terms = extract_contract_terms(
        lines_pdf([["A short letter about nothing in particular."]]), "x.pdf"
    )
    assert {"supplier", "value", "payment_terms"} <= set(terms.missing)


def test_an_unknown_currency_is_refused_naming_the_code() -> None:
    facts = SampleContract(value="XYZ 48,000.00")
    with pytest.raises(DocumentRejected, match="'XYZ' is not an ISO 4217"):
        extract_contract_terms(sample_contract_docx(facts), "bad.docx")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"hello world", "not a DOCX or PDF"),
        (lines_pdf([["x"]])[:-300], "truncated"),
        (b"PK\x03\x04garbage", "damaged"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentRejected, match=reason):
        extract_contract_terms(data, "broken")


def test_a_language_model_fills_only_what_the_rules_missed() -> None:
    asked: list[list[str]] = []

    class FakeModel:
        def read(self, text: str, missing: list[str]) -> dict[str, Any]:
            asked.append(missing)
            assert "[page 1]" in text
            evidence = {"location": "page 1", "text": "model reading"}
            return {
                "payment_terms": {
                    "net_days": 45,
                    "discount_pct": None,
                    "discount_days": None,
                    "notation": "net 45",
                    "evidence": evidence,
                },
                "value": {"amount": "1", "currency": "USD", "evidence": evidence},
            }

    pdf = lines_pdf([["Supplier: Lone Trader", "The contract value is EUR 100.00."]])
    terms = extract_contract_terms(pdf, "x.pdf", model=FakeModel())
    assert "payment_terms" in asked[0] and "value" not in asked[0]
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 45
    assert terms.value is not None and terms.value.currency == "EUR"
    assert terms.extracted_by == "rules+model"


def test_milestones_without_amounts_in_prose_are_not_invented() -> None:
    facts = SampleContract(milestones=(SampleMilestone("Kick-off", "1 April 2026", "tbd"),))
    terms = extract_contract_terms(sample_contract_docx(facts), "c.docx")
    assert terms.milestones == ()


@pytest.mark.parametrize(
    ("sentence", "notation"),
    [
        (
            "each invoice within thirty (30) days; a discount of 2% applies if paid within 10 days",
            "2/10 net 30",
        ),
        (
            "due within 45 days, with a 3% early payment discount if paid within ten days",
            "3/10 net 45",
        ),
        ("net 60", "net 60"),
    ],
)
def test_payment_terms_in_words_keep_net_and_discount_apart(sentence: str, notation: str) -> None:
    docx = sample_contract_docx(SampleContract(payment_terms=sentence))
    terms = extract_contract_terms(docx, "x.docx")
    assert terms.payment_terms is not None and terms.payment_terms.notation == notation


def test_payment_terms_wrapped_onto_the_next_pdf_line_are_read_whole() -> None:
    pdf = lines_pdf(
        [
            [
                "Supplier: Lone Trader",
                "The contract value is EUR 100.00.",
                "The Buyer pays each invoice within thirty (30) days; a discount of 2%",
                "applies if paid within 10 days.",
            ]
        ]
    )
    terms = extract_contract_terms(pdf, "x.pdf")
    assert terms.payment_terms is not None and terms.payment_terms.notation == "2/10 net 30"


@pytest.mark.parametrize("line", ["Payment 2/10 net 30", "Payment terms: 2/10 net 30"])
def test_payment_terms_are_read_with_or_without_a_colon_after_the_label(line: str) -> None:
    pages = [["SUPPLY AGREEMENT", "Agreement No. SA-78", line]]
    terms = extract_contract_terms(lines_pdf(pages), "contract.pdf")
    assert terms.payment_terms is not None
    read = terms.payment_terms
    assert (read.net_days, read.discount_pct, read.discount_days) == (30, Decimal("2"), 10)
