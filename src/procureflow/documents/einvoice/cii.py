"""UN/CEFACT Cross Industry Invoice (EN 16931, Factur-X / ZUGFeRD 2) into :class:`Invoice`."""

from __future__ import annotations

from lxml import etree

from procureflow.documents.einvoice.xml_reading import XmlReader
from procureflow.domain.currency_codes import require_iso_currency
from procureflow.domain.invoice import (
    ZERO,
    Invoice,
    InvoiceLine,
    InvoiceTotals,
    Party,
    document_type_for_code,
)
from procureflow.errors import DocumentRejected, InvalidInput

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
_NS = {
    "rsm": CII_NS,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_TRANSACTION = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = "ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def is_cii(root: etree._Element) -> bool:
    """True when the root is a CrossIndustryInvoice."""
    return bool(etree.QName(root).namespace == CII_NS)


def _party(r: XmlReader, node: etree._Element | None, role: str) -> Party:
    if node is None:
        raise DocumentRejected(f"CII document is missing ram:{role}", subject=r.subject)
    name = r.text(node, "ram:Name")
    if name is None:
        raise DocumentRejected(f"CII {role} has no ram:Name", subject=r.subject)
    vat_id = None
    for registration in r.all(node, "ram:SpecifiedTaxRegistration/ram:ID"):
        if registration.get("schemeID") == "VA" and registration.text:
            vat_id = registration.text.strip()
    return Party(
        name=name,
        identifier=r.text(node, "ram:ID") or r.text(node, "ram:GlobalID"),
        vat_id=vat_id,
        legal_id=r.text(node, "ram:SpecifiedLegalOrganization/ram:ID"),
        country=r.text(node, "ram:PostalTradeAddress/ram:CountryID"),
    )


def _line(r: XmlReader, node: etree._Element) -> InvoiceLine:
    line_id = r.required_text(node, "ram:AssociatedDocumentLineDocument/ram:LineID", "line id")
    delivery = "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    quantity = r.required_decimal(node, delivery, f"quantity of line {line_id}")
    line_total = r.required_decimal(
        node,
        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        f"net amount of line {line_id}",
    )
    price_node = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
    price = r.decimal(node, f"{price_node}/ram:ChargeAmount", f"price of line {line_id}")
    base = r.decimal(node, f"{price_node}/ram:BasisQuantity", f"price basis of line {line_id}")
    if price is None:
        price = line_total / quantity if quantity else line_total
    elif base:
        price = price / base
    quantity_node = r.first(node, delivery)
    tax = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
    return InvoiceLine(
        line_id=line_id,
        description=r.text(node, "ram:SpecifiedTradeProduct/ram:Name")
        or r.text(node, "ram:SpecifiedTradeProduct/ram:Description")
        or "",
        quantity=quantity,
        unit_price=price,
        line_total=line_total,
        unit_code=quantity_node.get("unitCode") if quantity_node is not None else None,
        sku=r.text(node, "ram:SpecifiedTradeProduct/ram:SellerAssignedID")
        or r.text(node, "ram:SpecifiedTradeProduct/ram:GlobalID"),
        po_line_ref=r.text(
            node, "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID"
        ),
        tax_category=r.text(node, f"{tax}/ram:CategoryCode"),
        tax_rate=r.decimal(node, f"{tax}/ram:RateApplicablePercent", "tax rate"),
        category=r.text(
            node, "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode"
        ),
        note=r.text(node, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),
    )


def parse_cii(
    root: etree._Element, *, subject: str, sha256: str | None, syntax: str = "cii"
) -> Invoice:
    """An :class:`Invoice` from a CrossIndustryInvoice root element."""
    r = XmlReader(_NS, subject, "CII")
    document = r.first(root, "rsm:ExchangedDocument")
    if document is None:
        raise DocumentRejected("CII document is missing rsm:ExchangedDocument", subject=subject)
    settlement = r.first(root, _SETTLEMENT)
    if settlement is None:
        raise DocumentRejected(f"CII document is missing {_SETTLEMENT}", subject=subject)
    try:
        currency = require_iso_currency(
            r.required_text(settlement, "ram:InvoiceCurrencyCode", "invoice currency"),
            field="invoice currency",
        )
    except InvalidInput as exc:
        raise DocumentRejected(exc.message, subject=subject) from exc
    summation = r.first(settlement, _SUMMATION)
    if summation is None:
        raise DocumentRejected(f"CII document is missing {_SUMMATION}", subject=subject)
    tax_total = r.amount_in_currency(summation, "ram:TaxTotalAmount", currency, "tax total")
    tax_exclusive = r.required_decimal(summation, "ram:TaxBasisTotalAmount", "total without tax")
    totals = InvoiceTotals(
        line_total=r.decimal(summation, "ram:LineTotalAmount", "sum of line amounts"),
        tax_exclusive=tax_exclusive,
        tax_total=tax_total if tax_total is not None else ZERO,
        tax_inclusive=r.required_decimal(summation, "ram:GrandTotalAmount", "total with tax"),
        payable=r.required_decimal(summation, "ram:DuePayableAmount", "amount due"),
        allowance_total=r.decimal(summation, "ram:AllowanceTotalAmount", "allowances") or ZERO,
        charge_total=r.decimal(summation, "ram:ChargeTotalAmount", "charges") or ZERO,
        prepaid=r.decimal(summation, "ram:TotalPrepaidAmount", "prepaid amount"),
        rounding=r.decimal(summation, "ram:RoundingAmount", "rounding") or ZERO,
    )
    supplier = _party(r, r.first(root, f"{_AGREEMENT}/ram:SellerTradeParty"), "SellerTradeParty")
    means = r.first(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    if means is not None:
        iban = r.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        supplier = Party(
            **{
                **supplier.__dict__,
                "iban": iban.replace(" ", "") if iban else None,
                "bic": r.text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
            }
        )
    issue_path = "ram:IssueDateTime/udt:DateTimeString"
    due_path = "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    due = r.text(settlement, due_path)
    return Invoice(
        number=r.required_text(document, "ram:ID", "invoice number"),
        document_type=document_type_for_code(r.text(document, "ram:TypeCode")),
        issue_date=r.to_date(
            r.required_text(document, issue_path, "issue date"), issue_path, "issue date"
        ),
        currency=currency,
        supplier=supplier,
        buyer=_party(r, r.first(root, f"{_AGREEMENT}/ram:BuyerTradeParty"), "BuyerTradeParty"),
        lines=tuple(
            _line(r, node)
            for node in r.all(root, f"{_TRANSACTION}/ram:IncludedSupplyChainTradeLineItem")
        ),
        totals=totals,
        due_date=r.to_date(due, due_path, "due date") if due else None,
        order_reference=r.text(
            root, f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        buyer_reference=r.text(root, f"{_AGREEMENT}/ram:BuyerReference"),
        payment_terms_text=r.text(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"),
        syntax=syntax,
        source_sha256=sha256,
        notes=tuple(
            n.text.strip()
            for n in r.all(document, "ram:IncludedNote/ram:Content")
            if n.text and n.text.strip()
        ),
    )


__all__ = ["is_cii", "parse_cii"]
