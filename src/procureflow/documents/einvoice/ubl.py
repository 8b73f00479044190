"""OASIS UBL 2.1 invoices and credit notes (EN 16931, Peppol BIS Billing 3.0) into :class:`Invoice`."""

from __future__ import annotations

from lxml import etree

from procureflow.documents.einvoice.xml_reading import XmlReader
from procureflow.domain.currency_codes import require_iso_currency
from procureflow.domain.invoice import (
    ZERO,
    DocumentType,
    Invoice,
    InvoiceLine,
    InvoiceTotals,
    Party,
    document_type_for_code,
)
from procureflow.errors import DocumentRejected, InvalidInput

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def is_ubl(root: etree._Element) -> bool:
    """True when the root is a UBL Invoice or CreditNote."""
    return bool(etree.QName(root).namespace in (UBL_INVOICE_NS, UBL_CREDIT_NOTE_NS))


def _party(r: XmlReader, node: etree._Element | None, role: str) -> Party:
    if node is None:
        raise DocumentRejected(f"UBL document is missing cac:{role}/cac:Party", subject=r.subject)
    name = (
        r.text(node, "cac:PartyName/cbc:Name")
        or r.text(node, "cac:PartyLegalEntity/cbc:RegistrationName")
        or r.text(node, "cac:Contact/cbc:Name")
    )
    if name is None:
        raise DocumentRejected(f"UBL {role} has no name", subject=r.subject)
    return Party(
        name=name,
        identifier=r.text(node, "cac:PartyIdentification/cbc:ID") or r.text(node, "cbc:EndpointID"),
        vat_id=r.text(node, "cac:PartyTaxScheme/cbc:CompanyID"),
        legal_id=r.text(node, "cac:PartyLegalEntity/cbc:CompanyID"),
        country=r.text(node, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
    )


def _line(r: XmlReader, node: etree._Element, credit: bool) -> InvoiceLine:
    line_id = r.required_text(node, "cbc:ID", "line identifier")
    quantity_path = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    quantity = r.required_decimal(node, quantity_path, f"quantity of line {line_id}")
    line_total = r.required_decimal(
        node, "cbc:LineExtensionAmount", f"net amount of line {line_id}"
    )
    price = r.decimal(node, "cac:Price/cbc:PriceAmount", f"price of line {line_id}")
    base = r.decimal(node, "cac:Price/cbc:BaseQuantity", f"price base quantity of line {line_id}")
    if price is None:
        price = line_total / quantity if quantity else line_total
    elif base:
        price = price / base
    quantity_node = r.first(node, quantity_path)
    return InvoiceLine(
        line_id=line_id,
        description=r.text(node, "cac:Item/cbc:Name")
        or r.text(node, "cac:Item/cbc:Description")
        or "",
        quantity=quantity,
        unit_price=price,
        line_total=line_total,
        unit_code=quantity_node.get("unitCode") if quantity_node is not None else None,
        sku=r.text(node, "cac:Item/cac:SellersItemIdentification/cbc:ID")
        or r.text(node, "cac:Item/cac:StandardItemIdentification/cbc:ID"),
        po_line_ref=r.text(node, "cac:OrderLineReference/cbc:LineID"),
        tax_category=r.text(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        tax_rate=r.decimal(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "tax rate"),
        category=r.text(node, "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"),
        note=r.text(node, "cbc:Note"),
    )


def parse_ubl(root: etree._Element, *, subject: str, sha256: str | None) -> Invoice:
    """An :class:`Invoice` from a UBL Invoice or CreditNote root element."""
    r = XmlReader(_NS, subject, "UBL")
    credit = etree.QName(root).namespace == UBL_CREDIT_NOTE_NS
    number = r.required_text(root, "cbc:ID", "invoice number")
    type_code = r.text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    doc_type = DocumentType.CREDIT_NOTE if credit else document_type_for_code(type_code)
    try:
        currency = require_iso_currency(
            r.required_text(root, "cbc:DocumentCurrencyCode", "invoice currency"),
            field="invoice currency",
        )
    except InvalidInput as exc:
        raise DocumentRejected(exc.message, subject=subject) from exc
    issue = r.required_text(root, "cbc:IssueDate", "issue date")
    due = r.text(root, "cbc:DueDate") or r.text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    supplier = _party(
        r, r.first(root, "cac:AccountingSupplierParty/cac:Party"), "AccountingSupplierParty"
    )
    account = r.first(root, "cac:PaymentMeans/cac:PayeeFinancialAccount")
    if account is not None:
        iban = r.text(account, "cbc:ID")
        supplier = Party(
            **{
                **supplier.__dict__,
                "iban": iban.replace(" ", "") if iban else None,
                "bic": r.text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
            }
        )
    totals_node = r.first(root, "cac:LegalMonetaryTotal")
    if totals_node is None:
        raise DocumentRejected("UBL document is missing cac:LegalMonetaryTotal", subject=subject)
    tax_total = r.amount_in_currency(root, "cac:TaxTotal/cbc:TaxAmount", currency, "tax total")
    totals = InvoiceTotals(
        line_total=r.decimal(totals_node, "cbc:LineExtensionAmount", "sum of line amounts"),
        tax_exclusive=r.required_decimal(
            totals_node, "cbc:TaxExclusiveAmount", "total without tax"
        ),
        tax_total=tax_total if tax_total is not None else ZERO,
        tax_inclusive=r.required_decimal(totals_node, "cbc:TaxInclusiveAmount", "total with tax"),
        payable=r.required_decimal(totals_node, "cbc:PayableAmount", "amount due"),
        allowance_total=r.decimal(totals_node, "cbc:AllowanceTotalAmount", "allowances") or ZERO,
        charge_total=r.decimal(totals_node, "cbc:ChargeTotalAmount", "charges") or ZERO,
        prepaid=r.decimal(totals_node, "cbc:PrepaidAmount", "prepaid amount"),
        rounding=r.decimal(totals_node, "cbc:PayableRoundingAmount", "rounding") or ZERO,
    )
    line_path = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    return Invoice(
        number=number,
        document_type=doc_type,
        issue_date=r.to_date(issue, "cbc:IssueDate", "issue date"),
        currency=currency,
        supplier=supplier,
        buyer=_party(
            r, r.first(root, "cac:AccountingCustomerParty/cac:Party"), "AccountingCustomerParty"
        ),
        lines=tuple(_line(r, node, credit) for node in r.all(root, line_path)),
        totals=totals,
        due_date=r.to_date(due, "cbc:DueDate", "due date") if due else None,
        order_reference=r.text(root, "cac:OrderReference/cbc:ID"),
        buyer_reference=r.text(root, "cbc:BuyerReference"),
        payment_terms_text=r.text(root, "cac:PaymentTerms/cbc:Note"),
        syntax="ubl",
        source_sha256=sha256,
        notes=tuple(n.text.strip() for n in r.all(root, "cbc:Note") if n.text and n.text.strip()),
    )


__all__ = ["is_ubl", "parse_ubl"]
