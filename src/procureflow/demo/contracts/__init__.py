"""A small, realistic supply contract as a DOCX, built on demand (for the demo and tests).

The contract has what the contract-to-pay playbook reads: parties with the supplier's
bank and tax details, value, term, payment terms, a milestone table, a liquidated
damages clause and required certifications.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from procureflow.domain.master import Supplier


@dataclass(frozen=True)
class SampleMilestone:
    """One row of the sample contract's milestone schedule."""

    name: str
    due: str
    amount: str


@dataclass(frozen=True)
class SampleItem:
    """One row of the sample contract's price schedule."""

    sku: str
    description: str
    quantity: str
    unit_price: str


@dataclass(frozen=True)
class SampleContract:
    """The facts written into the sample contract (defaults: a conveyor-line supply)."""

    number: str = "C-2026-0042"
    buyer: str = "Hanse Maschinenbau AG"
    supplier: str = "Nordwind Anlagenbau GmbH"
    supplier_vat: str = "DE811907980"
    supplier_iban: str = "DE89 3704 0044 0532 0130 00"
    supplier_bic: str = "COBADEFFXXX"
    category: str = "direct-materials"
    value: str = "EUR 48,000.00"
    effective: str = "1 March 2026"
    end: str = "28 February 2027"
    payment_terms: str = "2/10 net 30"
    items: tuple[SampleItem, ...] = field(
        default_factory=lambda: (
            SampleItem("CM-200", "Conveyor module CM-200", "20", "EUR 1,500.00"),
            SampleItem("DU-10", "Drive unit DU-10", "4", "EUR 1,500.00"),
        )
    )
    milestones: tuple[SampleMilestone, ...] = field(
        default_factory=lambda: (
            SampleMilestone("Installation on site", "15 May 2026", "EUR 6,000.00"),
            SampleMilestone("Commissioning and acceptance", "30 June 2026", "EUR 6,000.00"),
        )
    )
    certifications: tuple[tuple[str, str], ...] = (
        ("ISO 9001:2015", "30 June 2027"),
        ("ISO 14001:2015", "31 December 2026"),
    )


def sample_supplier(facts: SampleContract | None = None) -> Supplier:
    """The sample contract's supplier as the supplier master holds it (same VAT id), so a
    signed sample contract links to it instead of waiting for a person."""
    f = facts or SampleContract()
    return Supplier(
        supplier_id="SUP-NORDWIND",
        name=f.supplier,
        email_domains=("nordwind-anlagenbau.example",),
        location="DEHAM",
        country="DE",
        approved=True,
        esg_score=Decimal("76"),
        altman_z=Decimal("3.1"),
        payment_terms=f.payment_terms,
        extra={"category": f.category, "vat_id": f.supplier_vat},
    )


def sample_contract_docx(facts: SampleContract | None = None) -> bytes:
    """The sample contract as DOCX bytes."""
    import docx

    f = facts or SampleContract()
    doc = docx.Document()
    doc.add_heading("Supply and Installation Agreement", level=1)
    doc.add_paragraph(f"Contract No.: {f.number}")
    doc.add_paragraph(f"Category: {f.category}")
    doc.add_paragraph(
        f'This Agreement is made between {f.buyer} ("Buyer") and {f.supplier} ("Supplier").'
    )
    doc.add_heading("1. Scope", level=2)
    doc.add_paragraph(
        "The Supplier shall design, manufacture, deliver and commission one conveyor line "
        "as specified in Annex A."
    )
    doc.add_heading("2. Price", level=2)
    doc.add_paragraph(
        f"The total contract value is {f.value}, excluding VAT, fixed for the term of this Agreement."
    )
    doc.add_heading("3. Term", level=2)
    doc.add_paragraph(
        f"This Agreement is effective from {f.effective} and remains in force until {f.end}."
    )
    doc.add_paragraph("The Supplier delivers the following goods at the prices stated:")
    items = doc.add_table(rows=1, cols=4)
    header = ("SKU", "Description", "Quantity", "Unit price")
    for cell, text in zip(items.rows[0].cells, header, strict=True):
        cell.text = text
    for item in f.items:
        cells = items.add_row().cells
        cells[0].text, cells[1].text = item.sku, item.description
        cells[2].text, cells[3].text = item.quantity, item.unit_price
    doc.add_heading("4. Milestones and payment", level=2)
    doc.add_paragraph("Installation services are invoiced by milestone as follows:")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Milestone", "Due date", "Amount"), strict=True):
        cell.text = text
    for milestone in f.milestones:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (
            milestone.name,
            milestone.due,
            milestone.amount,
        )
    doc.add_paragraph(f"Payment terms: {f.payment_terms}.")
    doc.add_paragraph(
        f"Supplier bank details: IBAN {f.supplier_iban}, BIC {f.supplier_bic}. "
        f"Supplier VAT ID: {f.supplier_vat}."
    )
    doc.add_heading("5. Delay", level=2)
    doc.add_paragraph(
        "If the Supplier fails to meet a milestone, the Supplier shall pay liquidated damages "
        "of 0.5% of the contract value for each full week of delay, capped at 5% of the "
        "contract value."
    )
    doc.add_heading("6. Certifications", level=2)
    held = "; ".join(f"{name} certificate valid until {until}" for name, until in f.certifications)
    doc.add_paragraph(f"The Supplier shall hold and maintain the following certifications: {held}.")
    doc.add_paragraph("Signed for the Buyer and for the Supplier.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = [
    "SampleContract",
    "SampleItem",
    "SampleMilestone",
    "sample_contract_docx",
    "sample_supplier",
]
