"""Contract terms as contracts really write them: the start and end of the term in one
sentence (English, German, French), party names followed by their town, key terms in a
table, German and French payment and delay clauses, and sentences a PDF wraps."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from procureflow.documents.contract_terms import ContractTerms, extract_contract_terms
from procureflow.documents.contract_terms.reading import Table
from procureflow.documents.contract_terms.schedules import milestones_from_tables

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "contracts"
PARTIES = 'This Agreement is made between Nordhafen Pumpenwerk GmbH ("Buyer") and {} ("Supplier").'


def _docx(*paragraphs: str, table: list[tuple[str, str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=2)
        for row, (key, value) in zip(grid.rows, table, strict=True):
            row.cells[0].text, row.cells[1].text = key, value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _read(*paragraphs: str, table: list[tuple[str, str]] | None = None) -> ContractTerms:
    return extract_contract_terms(_docx(*paragraphs, table=table), "contract.docx")


@pytest.mark.parametrize(
    "sentence",
    [
        "This Agreement takes effect on 1 March 2027 and remains in force until 28 February 2030.",
        "This Agreement comes into force on 1 March 2027 and shall continue until 28 February 2030.",
        "The term commences on 1 March 2027 and continues through 28 February 2030.",
        "This Agreement has effect from 1 March 2027 and expires on 28 February 2030.",
        "Der Vertrag tritt am 1. März 2027 in Kraft und endet am 28. Februar 2030.",
        "Der Vertrag beginnt am 1. März 2027 und läuft bis zum 28. Februar 2030.",
        "Le présent contrat entre en vigueur le 1er mars 2027 et prend fin le 28 février 2030.",
        "Der Vertrag gilt vom 1. März 2027 bis zum 28. Februar 2030.",
        "The initial term shall run from 1 March 2027 to 28 February 2030.",
    ],
)
def test_an_effective_date_in_prose_with_its_end_date_is_read(sentence: str) -> None:
    terms = _read(PARTIES.format("Volta Antriebe GmbH"), sentence)
    assert terms.effective_date is not None and terms.end_date is not None, terms.missing
    assert (terms.effective_date.value, terms.end_date.value) == (
        date(2027, 3, 1),
        date(2030, 2, 28),
    )


@pytest.mark.parametrize(
    "distractor",
    [
        "The Supplier holds ISO 9001, valid until 30 June 2027.",
        "Der Lieferant hält ein Zertifikat nach ISO 9001, gültig bis 30.06.2027.",
        "This Agreement refers to the offer of 2 February 2027 and to the order of 9 March 2027.",
    ],
)
def test_a_date_that_is_not_the_term_is_not_read_as_its_end(distractor: str) -> None:
    terms = _read(
        PARTIES.format("Volta Antriebe GmbH"),
        distractor,
        "This Agreement takes effect on 1 March 2027 and remains in force until 28 February 2030.",
    )
    assert terms.end_date is not None and terms.end_date.value == date(2030, 2, 28)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Huaxin Precision Motors Co., Ltd., Ningbo", "Huaxin Precision Motors Co., Ltd."),
        ("Midwest Bearing Corp., Chicago, Illinois", "Midwest Bearing Corp."),
        ("Kowalski Elektromotory Sp. z o.o., Poznań", "Kowalski Elektromotory Sp. z o.o."),
        ("Motores del Norte S.A. de C.V., Monterrey", "Motores del Norte S.A. de C.V."),
        ("Smith, Jones & Partners LLP, Leeds", "Smith, Jones & Partners LLP"),
        ("Atlas Seals Ltd, Birmingham", "Atlas Seals Ltd"),
    ],
)
def test_the_town_after_a_comma_is_not_part_of_the_party_name(written: str, name: str) -> None:
    terms = _read(PARTIES.format(written))
    assert terms.supplier is not None and terms.supplier.name == name
    assert terms.buyer is not None and terms.buyer.name == "Nordhafen Pumpenwerk GmbH"


def test_german_parties_and_their_vat_id_are_read() -> None:
    terms = _read(
        "Zwischen Nordhafen Pumpenwerk GmbH („Besteller“) und Gießerei Brandt GmbH, "
        "Düsseldorf („Lieferant“) wird folgender Vertrag geschlossen.",
        "USt-IdNr. des Lieferanten: DE119345782",
    )
    assert terms.buyer is not None and terms.buyer.name == "Nordhafen Pumpenwerk GmbH"
    assert terms.supplier is not None and terms.supplier.name == "Gießerei Brandt GmbH"
    assert terms.supplier.tax_id == "DE119345782"


def test_key_terms_in_a_table_are_read_like_prose() -> None:
    terms = _read(
        "Key terms:",
        table=[
            ("Supplier", "Saigon Motor Works JSC, Ho Chi Minh City"),
            ("Contract value", "USD 310,000.00"),
            ("Effective date", "1 April 2027"),
            ("End date", "31 March 2029"),
            ("Payment terms", "Net 60 days from invoice"),
        ],
    )
    assert terms.supplier is not None and terms.supplier.name == "Saigon Motor Works JSC"
    assert terms.supplier.evidence.location == "table 1, row 0"
    assert terms.value is not None and terms.value.amount == Decimal("310000.00")
    assert terms.effective_date is not None and terms.effective_date.value == date(2027, 4, 1)
    assert terms.end_date is not None and terms.end_date.value == date(2029, 3, 31)
    assert terms.payment_terms is not None and terms.payment_terms.net_days == 60


@pytest.mark.parametrize(
    ("clause", "net", "pct", "days"),
    [
        ("Zahlungsziel 30 Tage netto ab Rechnungseingang.", 30, None, None),
        ("Zahlungsbedingungen: 14 Tage 2 % Skonto, 30 Tage netto", 30, Decimal("2"), 14),
        ("Zahlbar innerhalb von 10 Tagen mit 2 % Skonto oder 30 Tage netto.", 30, Decimal("2"), 10),
        ("Paiement à 45 jours nets à compter de la date de facture.", 45, None, None),
    ],
)
def test_german_and_french_payment_terms_are_read(
    clause: str, net: int, pct: Decimal | None, days: int | None
) -> None:
    terms = _read(PARTIES.format("Volta Antriebe GmbH"), clause)
    found = terms.payment_terms
    assert found is not None, terms.missing
    assert (found.net_days, found.discount_pct, found.discount_days) == (net, pct, days)


@pytest.mark.parametrize(
    ("clause", "rate", "period", "cap"),
    [
        (
            "Bei Lieferverzug zahlt der Auftragnehmer eine Vertragsstrafe von 0,5 % des "
            "Auftragswerts je vollendeter Woche, höchstens jedoch 5 % des Auftragswerts.",
            "0.5",
            "week",
            "5",
        ),
        ("Vertragsstrafe bei Verzug: 0,3 % je Kalenderwoche, höchstens 5 %.", "0.3", "week", "5"),
        ("Vertragsstrafe: 0,2 % pro Arbeitstag, maximal 5 % des Vertragswerts.", "0.2", "day", "5"),
        (
            "En cas de retard, le Fournisseur doit des pénalités de 0,75 % par semaine de "
            "retard, plafonnées à 7,5 % de la valeur de la commande.",
            "0.75",
            "week",
            "7.5",
        ),
    ],
)
def test_german_and_french_delay_penalties_are_read(
    clause: str, rate: str, period: str, cap: str
) -> None:
    terms = _read(PARTIES.format("Volta Antriebe GmbH"), clause)
    ld = terms.liquidated_damages
    assert ld is not None
    assert (ld.rate_pct, ld.period, ld.cap_pct) == (Decimal(rate), period, Decimal(cap))


def test_a_sentence_a_pdf_wraps_over_two_lines_is_read_whole() -> None:
    data = (CORPUS / "c02_en_huaxin_prose.pdf").read_bytes()
    terms = extract_contract_terms(data, "c02.pdf")
    assert terms.supplier is not None
    assert terms.supplier.name == "Huaxin Precision Motors Co., Ltd."
    assert terms.effective_date is not None and terms.effective_date.value == date(2027, 3, 1)
    assert terms.end_date is not None and terms.end_date.value == date(2030, 2, 28)


def test_a_milestone_column_headed_payment_milestone_is_not_taken_for_the_amount() -> None:
    table = Table(
        "table 1",
        (
            ("Payment milestone", "Date", "Amount (EUR)"),
            ("Design review", "30 June 2027", "42,000.00"),
        ),
    )
    [milestone] = milestones_from_tables([table])
    assert (milestone.name, milestone.due_date, milestone.amount) == (
        "Design review",
        date(2027, 6, 30),
        Decimal("42000.00"),
    )
