"""Invoices survive the trip to JSON and back, amounts to the last digit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procureflow.documents.einvoice import parse_einvoice_file
from procureflow.domain.invoice_json import invoice_from_json, invoice_to_json
from procureflow.errors import InvalidInput


@pytest.mark.parametrize(
    "relative",
    [
        "en16931-ubl/ubl-tc434-example2.xml",
        "en16931-ubl/ubl-tc434-creditnote1.xml",
        "en16931-cii/CII_example1.xml",
        "factur-x/Facture_UE_MINIMUM.pdf",
    ],
)
def test_parsed_sample_round_trips_through_json(sample_data: Path, relative: str) -> None:
    invoice = parse_einvoice_file(sample_data / "einvoice" / relative)
    text = json.dumps(invoice_to_json(invoice))
    back = invoice_from_json(json.loads(text))
    assert back == invoice
    data = json.loads(text)
    assert data["totals"]["payable"] == str(invoice.totals.payable)
    assert data["signed_payable"]["amount"] == str(invoice.signed_payable.amount)


def test_malformed_json_names_the_problem(sample_data: Path) -> None:
    data = invoice_to_json(
        parse_einvoice_file(sample_data / "einvoice" / "en16931-cii" / "CII_example1.xml")
    )
    missing = {k: v for k, v in data.items() if k != "currency"}
    with pytest.raises(InvalidInput, match="'currency'"):
        invoice_from_json(missing)
    data["lines"][0]["quantity"] = "two"
    with pytest.raises(InvalidInput, match=r"lines\[0\].quantity"):
        invoice_from_json(data)
