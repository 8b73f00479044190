"""Every EN 16931 / Factur-X sample parses into the totals its own XML states."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from lxml import etree

from procureflow.documents.einvoice import parse_einvoice
from procureflow.domain.invoice import DocumentType
from tests.conftest import SAMPLE_DATA

# Header totals per syntax, read independently of the product by element local names.
UBL_TOTALS = {
    "line_total": "LineExtensionAmount",
    "tax_exclusive": "TaxExclusiveAmount",
    "tax_inclusive": "TaxInclusiveAmount",
    "payable": "PayableAmount",
}
CII_TOTALS = {
    "line_total": "LineTotalAmount",
    "tax_exclusive": "TaxBasisTotalAmount",
    "tax_inclusive": "GrandTotalAmount",
    "payable": "DuePayableAmount",
}


def sample_files(sample_data: Path) -> list[Path]:
    """The known-good samples (the derived known-bad ones have a test of their own)."""
    folder = sample_data / "einvoice"
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in {".xml", ".pdf"} and "known-bad" not in p.parts
    )


def stated_xml(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() == ".pdf":
        _name, xml = get_xml_from_pdf(data, check_xsd=False)
        return bytes(xml)
    return data


def stated_totals(xml: bytes) -> tuple[str, dict[str, Decimal | None], Decimal | None]:
    root = etree.fromstring(xml)
    is_ubl = "ubl" in (etree.QName(root).namespace or "")
    names = UBL_TOTALS if is_ubl else CII_TOTALS
    summary = "LegalMonetaryTotal" if is_ubl else "SpecifiedTradeSettlementHeaderMonetarySummation"
    totals: dict[str, Decimal | None] = {}
    for field, local in names.items():
        found = root.xpath(f"//*[local-name()='{summary}']/*[local-name()='{local}']/text()")
        totals[field] = Decimal(found[0]) if found else None
    currency = root.xpath(
        "//*[local-name()='DocumentCurrencyCode' or local-name()='InvoiceCurrencyCode']/text()"
    )[0]
    tax_path = (
        "//*[local-name()='TaxTotal']/*[local-name()='TaxAmount']"
        if is_ubl
        else f"//*[local-name()='{summary}']/*[local-name()='TaxTotalAmount']"
    )
    taxes = [
        Decimal(el.text) for el in root.xpath(tax_path) if el.get("currencyID") in (None, currency)
    ]
    return currency, totals, taxes[0] if taxes else None


def test_the_sample_folder_holds_every_syntax(sample_data: Path) -> None:
    suffixes = {p.parent.name for p in sample_files(sample_data)}
    assert {"en16931-ubl", "en16931-cii", "factur-x"} <= suffixes


@pytest.mark.parametrize(
    "path", sample_files(SAMPLE_DATA), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_sample_parses_into_the_totals_its_xml_states(path: Path) -> None:
    invoice = parse_einvoice(path.read_bytes(), path.name)
    currency, totals, tax = stated_totals(stated_xml(path))

    assert invoice.currency == currency
    for field, stated in totals.items():
        assert getattr(invoice.totals, field) == stated, f"{path.name}: {field}"
    assert invoice.totals.tax_total == (tax if tax is not None else Decimal(0))
    assert invoice.amount_payable.amount == totals["payable"]
    assert invoice.arithmetic_problems() == []
    if invoice.lines and totals["line_total"] is not None:
        assert sum(line.line_total for line in invoice.lines) == totals["line_total"]


def test_every_syntax_has_several_samples(sample_data: Path) -> None:
    folders = [p.parent.name for p in sample_files(sample_data)]
    assert all(folders.count(f) >= 3 for f in ("en16931-ubl", "en16931-cii", "factur-x"))


def test_credit_notes_are_recognised_and_owe_a_negative_amount(sample_data: Path) -> None:
    folder = sample_data / "einvoice"
    for path in (
        folder / "en16931-ubl" / "ubl-tc434-creditnote1.xml",
        folder / "factur-x" / "Avoir_FR_type381_BASIC.pdf",
    ):
        invoice = parse_einvoice(path.read_bytes(), path.name)
        assert invoice.document_type is DocumentType.CREDIT_NOTE
        assert invoice.signed_payable.amount == -invoice.totals.payable < 0


def test_ubl_and_cii_renderings_of_the_same_invoice_agree(sample_data: Path) -> None:
    folder = sample_data / "einvoice"
    ubl = parse_einvoice((folder / "en16931-ubl" / "ubl-tc434-example1.xml").read_bytes())
    cii = parse_einvoice((folder / "en16931-cii" / "CII_example1.xml").read_bytes())
    assert (ubl.number, ubl.issue_date, ubl.supplier.key) == (
        cii.number,
        cii.issue_date,
        cii.supplier.key,
    )
    assert [(ln.sku, ln.quantity, ln.line_total) for ln in ubl.lines] == [
        (ln.sku, ln.quantity, ln.line_total) for ln in cii.lines
    ]
    assert (ubl.syntax, cii.syntax) == ("ubl", "cii")


def test_lines_carry_order_references_and_payee_account(sample_data: Path) -> None:
    path = sample_data / "einvoice" / "en16931-ubl" / "ubl-tc434-example2.xml"
    invoice = parse_einvoice(path.read_bytes(), path.name)
    assert invoice.order_reference == "123"
    assert invoice.lines[0].po_line_ref == "1"
    assert sum(1 for line in invoice.lines if line.po_line_ref) >= 4
    assert invoice.supplier.iban and " " not in invoice.supplier.iban
    assert invoice.payment_terms_text and "2 % discount" in invoice.payment_terms_text
    assert len(invoice.source_sha256 or "") == 64
