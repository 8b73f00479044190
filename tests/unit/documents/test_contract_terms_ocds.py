"""Contract terms from OCDS release packages (the Open Contracting samples in tests/data)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from procureflow.documents.contract_terms.ocds import contracts_from_ocds
from procureflow.errors import DocumentRejected


def _sample(sample_data: Path, name: str) -> bytes:
    return (sample_data / "ocds" / name).read_bytes()


def test_the_contract_release_gives_supplier_value_period_and_items(sample_data: Path) -> None:
    [terms] = contracts_from_ocds(
        _sample(sample_data, "ocds-213czf-000-00001-05-contract.json"), "barnet.json"
    )
    assert terms.supplier is not None and terms.supplier.name == "AnyCorp Ltd"
    assert terms.buyer is not None and terms.buyer.name == "London Borough of Barnet"
    assert terms.value is not None
    assert (terms.value.amount, terms.value.currency) == (Decimal(11000000), "GBP")
    assert terms.value.evidence.location == "/releases/0/contracts/0/value"
    assert terms.effective_date and terms.effective_date.value == date(2010, 7, 1)
    assert terms.end_date and terms.end_date.value == date(2011, 6, 30)
    assert [(i.quantity, i.unit_price) for i in terms.items] == [(Decimal(8), Decimal(137000))]
    assert terms.payment_terms is not None and terms.payment_terms.evidence.location == "default"


def test_the_same_release_read_twice_is_the_same_contract(sample_data: Path) -> None:
    data = _sample(sample_data, "ocds-213czf-000-00001-05-contract.json")
    first = contracts_from_ocds(data, "a.json")[0]
    second = contracts_from_ocds(data, "b.json", payment_terms="2/10 net 30")[0]
    assert first.source_sha256 == second.source_sha256
    assert second.payment_terms is not None and second.payment_terms.notation == "2/10 net 30"


def test_an_implementation_release_is_not_a_signature(sample_data: Path) -> None:
    data = _sample(sample_data, "ocds-213czf-000-00001-06-implementation.json")
    with pytest.raises(DocumentRejected, match="no signed contract"):
        contracts_from_ocds(data, "impl.json")


def test_an_unknown_currency_in_a_release_is_refused(sample_data: Path) -> None:
    package = json.loads(_sample(sample_data, "ocds-213czf-000-00001-05-contract.json"))
    package["releases"][0]["contracts"][0]["value"]["currency"] = "XBT"
    with pytest.raises(DocumentRejected, match="'XBT' is not an ISO 4217"):
        contracts_from_ocds(json.dumps(package).encode(), "odd.json")


@pytest.mark.parametrize(("data", "says"), [(b"not json", "not JSON"), (b"[1]", "not an OCDS")])
def test_what_is_not_ocds_is_refused(data: bytes, says: str) -> None:
    with pytest.raises(DocumentRejected, match=says):
        contracts_from_ocds(data, "x.json")
