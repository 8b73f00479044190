"""A UBL 2.1 (EN 16931) invoice for the sample contract's PO, built on demand (for the
demo and tests): totals add up, lines quote the PO lines they bill, and it passes the
UBL schema and the EN 16931 schematron intake validates against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    """An invoice line: PO line reference, description, quantity, unit price."""

    po_line: str
    description: str
    quantity: Decimal
    price: Decimal


def sample_invoice_ubl(
    *,
    number: str,
    po_number: str,
    lines: Sequence[Line],
    supplier_name: str = "Nordwind Anlagenbau GmbH",
    supplier_vat: str = "DE811907980",
    currency: str = "EUR",
    issue_date: str = "2026-05-20",
    tax_rate: Decimal = Decimal("19"),
    terms: str = "2/10 net 30",
    credit_note: bool = False,
) -> bytes:
    """A UBL 2.1 (EN 16931) invoice (or credit note) whose totals add up."""
    doc = "CreditNote" if credit_note else "Invoice"
    line_tag = "CreditNoteLine" if credit_note else "InvoiceLine"
    quantity_tag = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    net = sum((line.quantity * line.price for line in lines), Decimal(0)).quantize(Decimal("0.01"))
    tax = (net * tax_rate / 100).quantize(Decimal("0.01"))
    gross = net + tax
    category = "S" if tax_rate else "Z"  # EN 16931: standard rate above zero, else zero-rated
    body = []
    for index, line in enumerate(lines, start=1):
        amount = (line.quantity * line.price).quantize(Decimal("0.01"))
        body.append(
            f"""<cac:{line_tag}><cbc:ID>{index}</cbc:ID>
<cbc:{quantity_tag} unitCode="C62">{line.quantity}</cbc:{quantity_tag}>
<cbc:LineExtensionAmount currencyID="{currency}">{amount}</cbc:LineExtensionAmount>
<cac:OrderLineReference><cbc:LineID>{line.po_line}</cbc:LineID></cac:OrderLineReference>
<cac:Item><cbc:Name>{line.description}</cbc:Name>
<cac:ClassifiedTaxCategory><cbc:ID>{category}</cbc:ID><cbc:Percent>{tax_rate}</cbc:Percent>
<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
<cac:Price><cbc:PriceAmount currencyID="{currency}">{line.price}</cbc:PriceAmount></cac:Price>
</cac:{line_tag}>"""
        )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<{doc} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{doc}-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
<cbc:ID>{number}</cbc:ID>
<cbc:IssueDate>{issue_date}</cbc:IssueDate>
<cbc:{doc}TypeCode>{381 if credit_note else 380}</cbc:{doc}TypeCode>
<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>
<cac:OrderReference><cbc:ID>{po_number}</cbc:ID></cac:OrderReference>
<cac:AccountingSupplierParty><cac:Party>
<cac:PostalAddress><cbc:StreetName>Hafenstrasse 12</cbc:StreetName><cbc:CityName>Bremen</cbc:CityName>
<cbc:PostalZone>28217</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyTaxScheme><cbc:CompanyID>{supplier_vat}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
<cac:PartyLegalEntity><cbc:RegistrationName>{supplier_name}</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party>
<cac:PostalAddress><cbc:StreetName>Werftallee 3</cbc:StreetName><cbc:CityName>Hamburg</cbc:CityName>
<cbc:PostalZone>20457</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyLegalEntity><cbc:RegistrationName>Hanse Maschinenbau AG</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:Party></cac:AccountingCustomerParty>
<cac:PaymentTerms><cbc:Note>{terms}</cbc:Note></cac:PaymentTerms>
<cac:TaxTotal><cbc:TaxAmount currencyID="{currency}">{tax}</cbc:TaxAmount>
<cac:TaxSubtotal><cbc:TaxableAmount currencyID="{currency}">{net}</cbc:TaxableAmount>
<cbc:TaxAmount currencyID="{currency}">{tax}</cbc:TaxAmount>
<cac:TaxCategory><cbc:ID>{category}</cbc:ID><cbc:Percent>{tax_rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
</cac:TaxSubtotal></cac:TaxTotal>
<cac:LegalMonetaryTotal>
<cbc:LineExtensionAmount currencyID="{currency}">{net}</cbc:LineExtensionAmount>
<cbc:TaxExclusiveAmount currencyID="{currency}">{net}</cbc:TaxExclusiveAmount>
<cbc:TaxInclusiveAmount currencyID="{currency}">{gross}</cbc:TaxInclusiveAmount>
<cbc:PayableAmount currencyID="{currency}">{gross}</cbc:PayableAmount>
</cac:LegalMonetaryTotal>
{"".join(body)}
</{doc}>
"""
    return xml.encode()


__all__ = ["Line", "sample_invoice_ubl"]
