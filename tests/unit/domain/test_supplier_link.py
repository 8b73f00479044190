"""A contract party is linked to the supplier master by VAT id, then by registered name;
anything else is for a person — a supplier is never made up from a contract."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procureflow.domain.master import Supplier
from procureflow.domain.supplier_link import link_supplier, registered_name_key


def _supplier(supplier_id: str, name: str, vat_id: str = "", category: str = "motors") -> Supplier:
    return Supplier(
        supplier_id=supplier_id,
        name=name,
        location="DEHAM",
        country="DE",
        approved=True,
        esg_score=Decimal(70),
        altman_z=Decimal(3),
        payment_terms="net 30",
        extra={"vat_id": vat_id, "category": category},
    )


MASTER = [
    _supplier("SUP-VOLTA", "Volta Antriebe GmbH", "DE282465193"),
    _supplier("SUP-HUAXIN", "Huaxin Precision Motors Co. Ltd."),
    _supplier("SUP-BRANDT", "Gießerei Brandt GmbH", "DE119345782", "castings"),
]


def test_a_vat_id_links_whatever_the_name_says() -> None:
    link = link_supplier("Volta Drives (Stendal plant)", "DE 282 465 193", MASTER)
    assert (link.supplier_id, link.matched_by, link.category) == ("SUP-VOLTA", "vat_id", "motors")


@pytest.mark.parametrize(
    ("name", "supplier_id"),
    [
        ("Huaxin Precision Motors Co., Ltd.", "SUP-HUAXIN"),
        ("HUAXIN PRECISION MOTORS CO LTD", "SUP-HUAXIN"),
        ("Giesserei Brandt GmbH", "SUP-BRANDT"),
    ],
)
def test_a_registered_name_links_without_case_punctuation_or_legal_form(
    name: str, supplier_id: str
) -> None:
    link = link_supplier(name, None, MASTER)
    assert (link.supplier_id, link.matched_by) == (supplier_id, "name")


def test_an_unknown_party_is_not_linked_and_says_why() -> None:
    link = link_supplier("Baltic Pump Services OÜ", "EE102345678", MASTER)
    assert link.supplier_id is None
    assert "Baltic Pump Services" in link.reason and "EE102345678" in link.reason


def test_a_vat_id_contradicting_the_named_supplier_is_for_a_person() -> None:
    link = link_supplier("Volta Antriebe GmbH", "DE999999999", MASTER)
    assert link.supplier_id is None and "DE282465193" in link.reason


def test_two_suppliers_with_one_registered_name_are_for_a_person() -> None:
    twins = [*MASTER, _supplier("SUP-VOLTA-2", "Volta Antriebe AG")]
    assert link_supplier("Volta Antriebe", None, twins).supplier_id is None


def test_legal_forms_and_accents_are_dropped_from_the_registered_name() -> None:
    assert registered_name_key("Motores del Norte S.A. de C.V.") == "motores del norte"
    assert registered_name_key("Kowalski Elektromotory Sp. z o.o.") == "kowalski elektromotory"
    assert registered_name_key("Baltic Pump Services OÜ") == "baltic pump services"
