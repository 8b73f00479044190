"""Approved payments export as pain.001.001.03 that validates against the schema sepaxml ships."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from procureflow.documents.pain001 import (
    CreditTransfer,
    Debtor,
    export_pain001,
    pain001_schema_path,
)
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
DEBTOR = Debtor("ProcureFlow Demo GmbH", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX")
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def transfer(payment_id: str = "PAY-1", **kw: object) -> CreditTransfer:
    values: dict[str, object] = {
        "payment_id": payment_id,
        "creditor_name": "Acme Tools BV",
        "iban": "NL91ABNA0417164300",
        "amount": Money.of("1234.56", "EUR"),
        "execution_date": date(2026, 3, 12),
        "remittance": "INV-00042",
        "bic": "ABNANL2A",
    }
    values.update(kw)
    return CreditTransfer(**values)  # type: ignore[arg-type]


def schema() -> etree.XMLSchema:
    path = pain001_schema_path()
    assert path.is_file() and "sepaxml" in str(path)
    return etree.XMLSchema(etree.parse(str(path)))


def test_export_validates_against_the_shipped_xsd_and_carries_every_payment() -> None:
    payments = [
        transfer(),
        transfer(
            "PAY-2",
            creditor_name="Société Générale Fournitures",
            iban="FR1420041010050500013M02606",
            amount=Money.of("10", "EUR"),
            bic=None,
            remittance="AV-2017-0005",
        ),
    ]
    document = export_pain001(DEBTOR, payments, created_at=WHEN)
    root = etree.fromstring(document)
    validator = schema()
    assert validator.validate(root), validator.error_log
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "1244.56"
    ids = root.xpath("//p:EndToEndId/text()", namespaces=NS)
    assert sorted(ids) == ["PAY-1", "PAY-2"]
    amounts = root.xpath("//p:InstdAmt", namespaces=NS)
    assert {(a.text, a.get("Ccy")) for a in amounts} == {("1234.56", "EUR"), ("10.00", "EUR")}
    assert (
        root.xpath("//p:DbtrAcct/p:Id/p:IBAN/text()", namespaces=NS)[0] == "DE89370400440532013000"
    )
    assert root.xpath("//p:ReqdExctnDt/text()", namespaces=NS)[0] == "2026-03-12"


def test_same_batch_exported_twice_has_the_same_message_id() -> None:
    first = etree.fromstring(export_pain001(DEBTOR, [transfer()], created_at=WHEN))
    again = etree.fromstring(export_pain001(DEBTOR, [transfer()]))
    other = etree.fromstring(export_pain001(DEBTOR, [transfer(amount=Money.of("1", "EUR"))]))
    msg = "p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId"
    assert first.findtext(msg, namespaces=NS) == again.findtext(msg, namespaces=NS)
    assert first.findtext(msg, namespaces=NS) != other.findtext(msg, namespaces=NS)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"iban": "NL91ABNA0417164301"}, "IBAN 'NL91ABNA0417164301' of payment PAY-1"),
        ({"bic": "NOTABIC"}, "BIC 'NOTABIC'"),
        ({"bic": "COBADEFFXXX"}, "is for country DE, but the IBAN is NL"),
        ({"amount": Money.of("0", "EUR")}, "must be positive"),
        ({"payment_id": "X" * 36}, "1 to 35 characters"),
        ({"payment_id": "/PAY-1"}, "must not start with /"),
        ({"payment_id": "PAY//1"}, "contain //"),
        ({"payment_id": "PAY_1"}, "only letters, digits"),
    ],
)
def test_bad_payment_is_refused_naming_it(change: dict[str, object], expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        export_pain001(DEBTOR, [transfer(**change)])
    assert expected in str(caught.value)


def test_mixed_currencies_and_repeated_ids_are_refused() -> None:
    with pytest.raises(InvalidInput, match="the file is in EUR"):
        export_pain001(DEBTOR, [transfer(), transfer("PAY-2", amount=Money.of("5", "CHF"))])
    with pytest.raises(InvalidInput, match="appears twice"):
        export_pain001(DEBTOR, [transfer(), transfer()])
    with pytest.raises(InvalidInput, match="no approved payments"):
        export_pain001(DEBTOR, [])


def test_non_euro_file_still_validates() -> None:
    chf = Debtor("ProcureFlow AG", "CH9300762011623852957")
    document = export_pain001(
        chf, [transfer(iban="CH5604835012345678009", bic=None, amount=Money.of("99.95", "CHF"))]
    )
    root = etree.fromstring(document)
    assert schema().validate(root)
    assert root.xpath("//p:SvcLvl", namespaces=NS) == []
    assert Decimal(root.xpath("//p:InstdAmt/text()", namespaces=NS)[0]) == Decimal("99.95")
