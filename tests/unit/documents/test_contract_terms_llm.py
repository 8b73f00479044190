"""The language-model port for contract terms, on pydantic-ai's test model (a stand-in for
the vendor): asked only for what the rules missed, its answer typed and with evidence."""

from __future__ import annotations

from pydantic_ai.models.test import TestModel

from procureflow.adapters.llm_contracts import PydanticAiTermsModel, terms_model_from_settings
from procureflow.documents.contract_terms import extract_contract_terms
from tests.factories_payables import lines_pdf

ANSWER = {
    "payment_terms": {
        "net_days": 45,
        "discount_pct": None,
        "discount_days": None,
        "notation": "net 45",
        "evidence": {"location": "page 1", "text": "settled six weeks after delivery"},
    },
    "value": {"amount": "1", "currency": "USD", "evidence": {"location": "x", "text": "x"}},
}


def test_the_model_fills_payment_terms_but_not_what_the_rules_read() -> None:
    pdf = lines_pdf(
        [
            [
                "Supplier: Lone Trader",
                "The contract value is EUR 100.00.",
                "Invoices are settled six weeks after delivery.",
            ]
        ]
    )
    model = PydanticAiTermsModel(TestModel(custom_output_args=ANSWER))
    terms = extract_contract_terms(pdf, "x.pdf", model=model)
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 45
    assert terms.payment_terms.evidence.text == "settled six weeks after delivery"
    assert terms.value is not None and terms.value.currency == "EUR"
    assert terms.extracted_by == "rules+model"


def test_no_model_is_built_without_a_configured_one() -> None:
    assert terms_model_from_settings(None) is None
    assert terms_model_from_settings("  ") is None
