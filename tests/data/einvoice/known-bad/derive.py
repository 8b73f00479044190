"""Derive the known-bad e-invoices beside this file from the known-good EN 16931 and
Factur-X examples (one deliberate defect each; see SOURCE.md). Run from the repository
root: ``.venv/bin/python tests/data/einvoice/known-bad/derive.py``. The output is
committed; rerunning it rewrites the same files."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pikepdf
from lxml import etree

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
UBL = DATA / "en16931-ubl" / "ubl-tc434-example1.xml"
UBL_CREDIT = DATA / "en16931-ubl" / "ubl-tc434-creditnote1.xml"
CII = DATA / "en16931-cii" / "CII_example1.xml"
FX_BASIC = DATA / "factur-x" / "Avoir_FR_type381_BASIC.pdf"
FX_BASICWL = DATA / "factur-x" / "Facture_FR_BASICWL.pdf"
NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
Edit = Callable[[etree._Element], None]


def one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list) and found, path
    node = found[0]
    assert isinstance(node, etree._Element)
    return node


def add(node: etree._Element, delta: str) -> None:
    node.text = str(Decimal(node.text or "0") + Decimal(delta))


def xml_variant(source: Path, name: str, edit: Edit) -> None:
    tree = etree.parse(str(source))
    edit(tree.getroot())
    tree.write(str(HERE / name), xml_declaration=True, encoding="UTF-8")


# -- UBL ---------------------------------------------------------------------------------
def ubl_unknown_element(root: etree._Element) -> None:
    one(root, "cbc:ID").addnext(etree.Element(f"{{{NS['cbc']}}}Colour"))


def ubl_element_order(root: etree._Element) -> None:
    issue = one(root, "cbc:IssueDate")
    one(root, "cbc:InvoiceTypeCode").addnext(issue)


def ubl_br_co_10(root: etree._Element) -> None:
    add(one(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"), "10.00")


def ubl_br_co_15(root: etree._Element) -> None:
    add(one(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), "10.00")
    add(one(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"), "10.00")


def ubl_no_seller_vat(root: etree._Element) -> None:
    scheme = one(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme")
    parent = scheme.getparent()
    assert parent is not None
    parent.remove(scheme)


def ubl_unknown_currency(root: etree._Element) -> None:
    one(root, "cbc:DocumentCurrencyCode").text = "EUX"
    for node in root.xpath("//*[@currencyID]"):
        node.set("currencyID", "EUX")


def ubl_amounts_in_other_currency(root: etree._Element) -> None:
    for node in root.xpath("//*[@currencyID]"):
        node.set("currencyID", "USD")


def ubl_unknown_type_code(root: etree._Element) -> None:
    one(root, "cbc:InvoiceTypeCode").text = "999"


def ubl_credit_note_as_invoice(root: etree._Element) -> None:
    """The credit note turned into an Invoice coded 380 with every amount negated."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        q = etree.QName(node)
        if q.namespace == NS["cn"]:
            node.tag = f"{{{NS['inv']}}}{q.localname.replace('CreditNote', 'Invoice')}"
        elif q.localname in ("CreditNoteTypeCode", "CreditNoteLine", "CreditedQuantity"):
            new = q.localname.replace("CreditNote", "Invoice").replace("Credited", "Invoiced")
            node.tag = f"{{{q.namespace}}}{new}"
    one(root, "cbc:InvoiceTypeCode").text = "380"
    for node in root.xpath("//*[@currencyID] | //cbc:InvoicedQuantity", namespaces=NS):
        if etree.QName(node).localname in ("PriceAmount", "BaseAmount"):
            continue
        if node.text and Decimal(node.text) != 0:
            node.text = str(-Decimal(node.text))


# -- CII ---------------------------------------------------------------------------------
SUMMATION = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation"
)
SELLER = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"


def cii_br_co_10(root: etree._Element) -> None:
    add(one(root, f"{SUMMATION}/ram:LineTotalAmount"), "10.00")


def cii_unknown_element(root: etree._Element) -> None:
    one(root, "rsm:ExchangedDocument/ram:TypeCode").addnext(etree.Element(f"{{{NS['ram']}}}Colour"))


def cii_no_seller_vat(root: etree._Element) -> None:
    for node in root.xpath(f"{SELLER}/ram:SpecifiedTaxRegistration", namespaces=NS):
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)


def cii_due_not_total(root: etree._Element) -> None:
    add(one(root, f"{SUMMATION}/ram:DuePayableAmount"), "-50.00")


# -- Factur-X PDFs -----------------------------------------------------------------------
def _rewrite_pdf(source: Path, name: str, change: Callable[[pikepdf.Pdf], None]) -> None:
    with pikepdf.open(source) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out, static_id=True, deterministic_id=True)
    (HERE / name).write_bytes(out.getvalue())


def _embedded(pdf: pikepdf.Pdf) -> pikepdf.Stream:
    stream = pdf.attachments["factur-x.xml"].obj.EF.F
    assert isinstance(stream, pikepdf.Stream)
    return stream


def _replace_xml(pdf: pikepdf.Pdf, edit: Edit) -> None:
    stream = _embedded(pdf)
    root = etree.fromstring(stream.read_bytes())
    edit(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    stream.write(data)
    stream.Params.Size = len(data)
    stream.Params.CheckSum = pikepdf.String(hashlib.md5(data).hexdigest())  # noqa: S324


def fx_declares_minimum(pdf: pikepdf.Pdf) -> None:
    """The BASIC credit note's XML re-labelled MINIMUM (lines and all), XMP still BASIC."""

    def edit(root: etree._Element) -> None:
        one(
            root,
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        ).text = "urn:factur-x.eu:1p0:minimum"

    _replace_xml(pdf, edit)


def fx_no_embedded_xml(pdf: pikepdf.Pdf) -> None:
    del pdf.attachments["factur-x.xml"]
    if "/AF" in pdf.Root:
        del pdf.Root.AF


def fx_unspecified_relationship(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["factur-x.xml"].obj.AFRelationship = pikepdf.Name.Unspecified


def fx_not_pdfa(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        del meta["pdfaid:part"]
        del meta["pdfaid:conformance"]


def fx_br_co_15(pdf: pikepdf.Pdf) -> None:
    """BASIC WL invoice whose total with VAT is 10.00 too high (amount due with it)."""

    def edit(root: etree._Element) -> None:
        add(one(root, f"{SUMMATION}/ram:GrandTotalAmount"), "10.00")
        add(one(root, f"{SUMMATION}/ram:DuePayableAmount"), "10.00")

    _replace_xml(pdf, edit)


def main() -> None:
    xml_variant(UBL, "ubl-xsd-unknown-element.xml", ubl_unknown_element)
    xml_variant(UBL, "ubl-xsd-element-order.xml", ubl_element_order)
    xml_variant(UBL, "ubl-br-co-10-line-total.xml", ubl_br_co_10)
    xml_variant(UBL, "ubl-br-co-15-total-with-vat.xml", ubl_br_co_15)
    xml_variant(UBL, "ubl-no-seller-vat.xml", ubl_no_seller_vat)
    xml_variant(UBL, "ubl-unknown-currency.xml", ubl_unknown_currency)
    xml_variant(UBL, "ubl-amounts-in-other-currency.xml", ubl_amounts_in_other_currency)
    xml_variant(UBL, "ubl-unknown-type-code.xml", ubl_unknown_type_code)
    xml_variant(UBL_CREDIT, "ubl-credit-note-as-invoice.xml", ubl_credit_note_as_invoice)
    xml_variant(CII, "cii-br-co-10-line-total.xml", cii_br_co_10)
    xml_variant(CII, "cii-xsd-unknown-element.xml", cii_unknown_element)
    xml_variant(CII, "cii-no-seller-vat.xml", cii_no_seller_vat)
    xml_variant(CII, "cii-amount-due-not-total.xml", cii_due_not_total)
    _rewrite_pdf(FX_BASIC, "fx-basic-declared-minimum.pdf", fx_declares_minimum)
    _rewrite_pdf(FX_BASIC, "fx-no-embedded-xml.pdf", fx_no_embedded_xml)
    _rewrite_pdf(FX_BASICWL, "fx-unspecified-relationship.pdf", fx_unspecified_relationship)
    _rewrite_pdf(FX_BASICWL, "fx-no-pdfa-identification.pdf", fx_not_pdfa)
    _rewrite_pdf(FX_BASICWL, "fx-br-co-15-total-with-vat.pdf", fx_br_co_15)


if __name__ == "__main__":
    main()
