"""Writes the labelled contract corpus: each contract as DOCX, as PDF and its labels.

Run ``python tests/data/contract_corpus.py corpus`` (or ``heldout``) to rewrite the
files; the PDFs are converted from the DOCX by LibreOffice, as an office would print
them. The files are committed, so the tests never convert anything. Every contract is
original text about the demo company (Nordhafen Pumpenwerk GmbH) and its demo
suppliers (``src/procureflow/demo/data/suppliers.csv``), so links resolve.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BUYER = "Nordhafen Pumpenwerk GmbH"
BUYER_VAT = "DE318475620"

# a contract: its parts (heading, paragraph, table) and its labels
Part = tuple[str, Any]


def _ms(name: str, due: str | None, amount: str) -> dict[str, Any]:
    return {"name": name, "due_date": due, "amount": amount}


def _label(
    *,
    supplier: str,
    supplier_vat: str | None,
    supplier_id: str | None,
    category: str | None,
    value: str,
    currency: str,
    effective: str | None,
    end: str | None,
    net: int,
    discount: tuple[str, int] | None = None,
    ld: tuple[str, str, str | None] | None = None,
    milestones: list[dict[str, Any]] | None = None,
    note: str = "",
) -> dict[str, Any]:
    return {
        "parties": {
            "buyer": {"name": BUYER, "vat_id": BUYER_VAT},
            "supplier": {"name": supplier, "vat_id": supplier_vat},
        },
        "supplier_id": supplier_id,
        "category": category,
        "value": {"amount": value, "currency": currency},
        "effective_date": effective,
        "end_date": end,
        "payment_terms": {
            "net_days": net,
            "discount_pct": discount[0] if discount else None,
            "discount_days": discount[1] if discount else None,
        },
        "liquidated_damages": (
            {"rate_pct": ld[0], "period": ld[1], "cap_pct": ld[2]} if ld else None
        ),
        "milestones": milestones or [],
        "note": note,
    }


CORPUS: dict[str, tuple[list[Part], dict[str, Any]]] = {
    "c01_de_volta_prose": (
        [
            ("h", "Rahmenliefervertrag Elektromotoren"),
            ("p", "Vertrags-Nr.: RV-2027-011"),
            (
                "p",
                f"Dieser Vertrag wird geschlossen zwischen {BUYER}, Hamburg "
                "(„Auftraggeber“) und Volta Antriebe GmbH, Stendal („Auftragnehmer“).",
            ),
            ("h", "§ 1 Gegenstand"),
            (
                "p",
                "Der Auftragnehmer liefert Drehstrommotoren der Baureihe 15 kW für die "
                "Kreiselpumpen des Auftraggebers nach Abruf.",
            ),
            ("h", "§ 2 Vergütung"),
            ("p", "Der Gesamtauftragswert beträgt EUR 420.000,00 zuzüglich Umsatzsteuer."),
            ("h", "§ 3 Laufzeit"),
            (
                "p",
                "Der Vertrag tritt am 1. März 2027 in Kraft und endet am 28. Februar 2030, "
                "ohne dass es einer Kündigung bedarf.",
            ),
            ("h", "§ 4 Zahlung"),
            ("p", "Zahlungsziel 30 Tage netto ab Rechnungseingang."),
            ("h", "§ 5 Verzug"),
            (
                "p",
                "Bei Lieferverzug zahlt der Auftragnehmer eine Vertragsstrafe von 0,5 % des "
                "Auftragswerts je vollendeter Woche, höchstens jedoch 5 % des Auftragswerts.",
            ),
            ("p", f"USt-IdNr. Auftraggeber: {BUYER_VAT}"),
            ("p", "USt-IdNr. Auftragnehmer: DE282465193"),
        ],
        _label(
            supplier="Volta Antriebe GmbH",
            supplier_vat="DE282465193",
            supplier_id="SUP-VOLTA",
            category="motors",
            value="420000.00",
            currency="EUR",
            effective="2027-03-01",
            end="2030-02-28",
            net=30,
            ld=("0.5", "week", "5"),
        ),
    ),
    "c02_en_huaxin_prose": (
        [
            ("h", "Framework Supply Agreement — Electric Motors"),
            ("p", "Agreement No.: FA-2027-003"),
            (
                "p",
                f'This Agreement is made between {BUYER}, Hamburg, Germany ("Buyer") and '
                'Huaxin Precision Motors Co., Ltd., Shenzhen ("Supplier").',
            ),
            ("h", "1. Term"),
            (
                "p",
                "This Agreement takes effect on 1 March 2027 and remains in force until "
                "28 February 2030 unless terminated earlier in accordance with clause 9.",
            ),
            ("h", "2. Price"),
            (
                "p",
                "The total contract value is USD 1,850,000.00 for the motors called off "
                "during the term, delivered DAP Hamburg.",
            ),
            ("h", "3. Payment"),
            ("p", "Payment terms: 60 days end of month from the date of a correct invoice."),
            ("h", "4. Late delivery"),
            (
                "p",
                "For late delivery the Supplier shall pay liquidated damages of 0.5% of the "
                "value of the late goods per week of delay, capped at 5% of that value.",
            ),
        ],
        _label(
            supplier="Huaxin Precision Motors Co., Ltd.",
            supplier_vat=None,
            supplier_id="SUP-HUAXIN",
            category="motors",
            value="1850000.00",
            currency="USD",
            effective="2027-03-01",
            end="2030-02-28",
            net=60,
            ld=("0.5", "week", "5"),
            note="60 days end of month is read as 60 net days (end of month is not modelled)",
        ),
    ),
    "c03_en_saigon_table": (
        [
            ("h", "Supply Contract — Motor Frames"),
            ("p", "The parties agree the following key terms:"),
            (
                "t",
                [
                    ("Term", "Detail"),
                    ("Contract No.", "SC-2027-020"),
                    ("Buyer", f"{BUYER}, Hamburg"),
                    ("Supplier", "Saigon Motor Works JSC, Ho Chi Minh City"),
                    ("Contract value", "USD 310,000.00"),
                    ("Effective date", "1 April 2027"),
                    ("End date", "31 March 2029"),
                    ("Payment terms", "Net 60 days from invoice"),
                    (
                        "Liquidated damages",
                        "0.5% per week of delay, not to exceed 5% of the contract value",
                    ),
                ],
            ),
            ("p", "The general terms of purchase of the Buyer apply."),
        ],
        _label(
            supplier="Saigon Motor Works JSC",
            supplier_vat=None,
            supplier_id="SUP-SAIGON",
            category="motors",
            value="310000.00",
            currency="USD",
            effective="2027-04-01",
            end="2029-03-31",
            net=60,
            ld=("0.5", "week", "5"),
        ),
    ),
    "c04_fr_dufresne_prose": (
        [
            ("h", "Contrat-cadre de fourniture de garnitures mécaniques"),
            ("p", "Contrat n° : CC-2027-007"),
            (
                "p",
                f"Le présent contrat est conclu entre {BUYER}, Hambourg (« l'Acheteur ») et "
                "Joints Dufresne SA, Lyon (« le Fournisseur »).",
            ),
            ("h", "Article 1 – Durée"),
            (
                "p",
                "Le présent contrat entre en vigueur le 1er juillet 2027 et prend fin le "
                "30 juin 2030.",
            ),
            ("h", "Article 2 – Prix"),
            ("p", "Le montant total du contrat s'élève à 480 000,00 EUR hors taxes."),
            ("h", "Article 3 – Paiement"),
            ("p", "Paiement à 45 jours nets à compter de la date de facture."),
            ("h", "Article 4 – Pénalités de retard"),
            (
                "p",
                "En cas de retard de livraison, le Fournisseur doit des pénalités de 0,75 % "
                "par semaine de retard, plafonnées à 7,5 % de la valeur de la commande.",
            ),
            ("p", "N° TVA intracommunautaire du Fournisseur : FR47385112307"),
        ],
        _label(
            supplier="Joints Dufresne SA",
            supplier_vat="FR47385112307",
            supplier_id="SUP-DUFRESNE",
            category="seals",
            value="480000.00",
            currency="EUR",
            effective="2027-07-01",
            end="2030-06-30",
            net=45,
            ld=("0.75", "week", "7.5"),
        ),
    ),
    "c05_en_kowalski_milestones": (
        [
            ("h", "Development and Supply Agreement"),
            ("p", "Contract Reference: DSA-2027-015"),
            (
                "p",
                f'This Agreement is entered into between {BUYER} ("Customer") and Kowalski '
                'Elektromotory Sp. z o.o., Poznań ("Contractor").',
            ),
            (
                "p",
                "The term of this Agreement commences on 1 February 2027 and ends on "
                "31 January 2029.",
            ),
            ("p", "The total contract price is EUR 350,000.00, excluding VAT."),
            ("p", "The Contractor's VAT number: PL7781234567."),
            ("h", "Milestones"),
            ("p", "Milestone 1: Prototype approval, due 15 April 2027, EUR 40,000.00"),
            ("p", "Milestone 2: Pre-series delivery, due 30 June 2027, EUR 60,000.00"),
            ("p", "Milestone 3: Series release, due 30 September 2027, EUR 50,000.00"),
            ("h", "Payment"),
            ("p", "Invoices are payable net 45 days after receipt."),
            (
                "p",
                "Liquidated damages: 0.5% of the milestone amount for each full week of delay, "
                "limited to 5% of the contract price.",
            ),
        ],
        _label(
            supplier="Kowalski Elektromotory Sp. z o.o.",
            supplier_vat="PL7781234567",
            supplier_id="SUP-KOWALSKI",
            category="motors",
            value="350000.00",
            currency="EUR",
            effective="2027-02-01",
            end="2029-01-31",
            net=45,
            ld=("0.5", "week", "5"),
            milestones=[
                _ms("Prototype approval", "2027-04-15", "40000.00"),
                _ms("Pre-series delivery", "2027-06-30", "60000.00"),
                _ms("Series release", "2027-09-30", "50000.00"),
            ],
        ),
    ),
    "c06_en_atlas_table_milestones": (
        [
            ("h", "Seal Kit Supply and Qualification Contract"),
            ("p", "Contract No.: AT-2027-004"),
            (
                "p",
                f'This Contract is made between {BUYER} ("Purchaser") and Atlas Seals Ltd, '
                'Birmingham ("Seller").',
            ),
            (
                "p",
                "This Contract comes into force on 1 April 2027 and shall continue until "
                "31 March 2028.",
            ),
            ("p", "Total contract value: GBP 96,000.00."),
            ("p", "Payment within 30 days of invoice."),
            ("p", "Seller VAT Reg. No.: GB284735912"),
            ("p", "Qualification is invoiced by milestone:"),
            (
                "t",
                [
                    ("Milestone", "Due date", "Amount"),
                    ("First article inspection", "15 May 2027", "GBP 12,000.00"),
                    ("PPAP approval", "30 June 2027", "GBP 18,000.00"),
                ],
            ),
            (
                "p",
                "Liquidated damages for late delivery: 0.2% per day of delay, not to exceed "
                "10% of the contract value.",
            ),
        ],
        _label(
            supplier="Atlas Seals Ltd",
            supplier_vat="GB284735912",
            supplier_id="SUP-ATLAS",
            category="seals",
            value="96000.00",
            currency="GBP",
            effective="2027-04-01",
            end="2028-03-31",
            net=30,
            ld=("0.2", "day", "10"),
            milestones=[
                _ms("First article inspection", "2027-05-15", "12000.00"),
                _ms("PPAP approval", "2027-06-30", "18000.00"),
            ],
        ),
    ),
    "c07_en_midwest_us_dates": (
        [
            ("h", "Master Purchase Agreement — Bearings"),
            ("p", "Agreement Number: MPA-27-118"),
            (
                "p",
                f'This Master Purchase Agreement is between {BUYER} ("Buyer") and Midwest '
                'Bearing Corp., Chicago, Illinois ("Vendor").',
            ),
            (
                "p",
                "This Agreement is effective as of January 15, 2027 and continues through "
                "January 14, 2029.",
            ),
            ("p", "The total value of this Agreement is USD 275,000.00."),
            ("p", "Payment terms: Net 30."),
        ],
        _label(
            supplier="Midwest Bearing Corp.",
            supplier_vat=None,
            supplier_id="SUP-MIDWEST",
            category="bearings",
            value="275000.00",
            currency="USD",
            effective="2027-01-15",
            end="2029-01-14",
            net=30,
        ),
    ),
    "c08_de_isar_table": (
        [
            ("h", "Liefervertrag Steuerelektronik"),
            (
                "t",
                [
                    ("Angabe", "Inhalt"),
                    ("Vertrags-Nr.", "LV-2027-031"),
                    ("Auftraggeber", f"{BUYER}, Hamburg"),
                    ("Auftragnehmer", "Isar Elektronik GmbH, München"),
                    ("USt-IdNr. Auftragnehmer", "DE246813579"),
                    ("Auftragswert", "180.000,00 €"),
                    ("Vertragsbeginn", "01.04.2027"),
                    ("Vertragsende", "31.03.2029"),
                    ("Zahlungsbedingungen", "14 Tage 2 % Skonto, 30 Tage netto"),
                ],
            ),
            ("p", "Die Abrechnung erfolgt nach folgenden Meilensteinen:"),
            (
                "t",
                [
                    ("Meilenstein", "Fällig am", "Betrag"),
                    ("Musterfreigabe", "15.06.2027", "36.000,00 €"),
                    ("Serienfreigabe", "15.09.2027", "54.000,00 €"),
                ],
            ),
            (
                "p",
                "Vertragsstrafe bei Verzug: 0,3 % je Kalenderwoche, höchstens 5 % des "
                "Auftragswerts.",
            ),
        ],
        _label(
            supplier="Isar Elektronik GmbH",
            supplier_vat="DE246813579",
            supplier_id="SUP-ISAR",
            category="electronics",
            value="180000.00",
            currency="EUR",
            effective="2027-04-01",
            end="2029-03-31",
            net=30,
            discount=("2", 14),
            ld=("0.3", "week", "5"),
            milestones=[
                _ms("Musterfreigabe", "2027-06-15", "36000.00"),
                _ms("Serienfreigabe", "2027-09-15", "54000.00"),
            ],
        ),
    ),
    "c09_en_lombarda_words": (
        [
            ("h", "Casting Supply Agreement"),
            ("p", "Contract No.: CSA-2027-009"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Buyer") and Fonderia Lombarda '
                'S.p.A., Milano ("Supplier").',
            ),
            (
                "p",
                "This Agreement enters into force on 1 May 2027 and expires on 30 April 2029.",
            ),
            ("p", "The contract value is EUR 210,000.00 for pump housings in grey cast iron."),
            (
                "p",
                "The Buyer shall pay each invoice within sixty (60) days from the date of invoice.",
            ),
            ("p", "Supplier VAT ID: IT04217350963."),
            (
                "p",
                "Liquidated damages: 0.5% for each week of delay, capped at 5% of the value "
                "of the delayed delivery.",
            ),
        ],
        _label(
            supplier="Fonderia Lombarda S.p.A.",
            supplier_vat="IT04217350963",
            supplier_id="SUP-LOMBARDA",
            category="castings",
            value="210000.00",
            currency="EUR",
            effective="2027-05-01",
            end="2029-04-30",
            net=60,
            ld=("0.5", "week", "5"),
        ),
    ),
    "c10_en_unknown_party": (
        [
            ("h", "Service Agreement — Pump Overhaul"),
            ("p", "Contract No.: SA-2027-044"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Customer") and Baltic Pump '
                'Services OÜ, Tallinn ("Service Provider").',
            ),
            (
                "p",
                "The services shall commence on 1 June 2027 and terminate on 31 May 2028.",
            ),
            ("p", "The total contract value is EUR 64,000.00."),
            ("p", "Payment terms: net 30."),
            ("p", "Service Provider VAT number: EE102345678"),
        ],
        _label(
            supplier="Baltic Pump Services OÜ",
            supplier_vat="EE102345678",
            supplier_id=None,
            category=None,
            value="64000.00",
            currency="EUR",
            effective="2027-06-01",
            end="2028-05-31",
            net=30,
            note="not in the supplier master: must be asked about, never linked",
        ),
    ),
    "c11_en_yokohama_jpy": (
        [
            ("h", "Bearing Supply Agreement"),
            ("p", "Agreement No.: BSA-2027-002"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Buyer") and Yokohama Seimitsu '
                'K.K., Tokyo, Japan ("Supplier").',
            ),
            (
                "p",
                "This Agreement takes effect on 1 October 2027 and remains in force until "
                "30 September 2029.",
            ),
            ("p", "The total contract value is JPY 45,000,000 for the term."),
            ("p", "Payment terms: net 60 days."),
        ],
        _label(
            supplier="Yokohama Seimitsu K.K.",
            supplier_vat=None,
            supplier_id="SUP-YOKOHAMA",
            category="bearings",
            value="45000000",
            currency="JPY",
            effective="2027-10-01",
            end="2029-09-30",
            net=60,
        ),
    ),
    "c12_de_brandt_prose_milestones": (
        [
            ("h", "Werkvertrag Pumpengehäuse"),
            ("p", "Vertrags-Nr.: WV-2027-052"),
            (
                "p",
                f"Zwischen {BUYER} („Besteller“) und Gießerei Brandt GmbH, Düsseldorf "
                "(„Lieferant“) wird folgender Vertrag geschlossen.",
            ),
            (
                "p",
                "Der Vertrag beginnt am 1. Januar 2027 und läuft bis zum 31. Dezember 2028.",
            ),
            ("p", "Der Vertragswert beträgt 650.000,00 EUR netto."),
            ("p", "Meilenstein 1: Modellbau, fällig am 15. März 2027, EUR 65.000,00"),
            ("p", "Meilenstein 2: Erstmusterprüfbericht, fällig am 31. Mai 2027, EUR 97.500,00"),
            (
                "p",
                "Zahlbar innerhalb von 10 Tagen mit 2 % Skonto oder 30 Tage netto.",
            ),
            ("p", "USt-IdNr. des Lieferanten: DE119345782"),
            (
                "p",
                "Vertragsstrafe: 1 % des Auftragswerts je Woche des Verzugs, höchstens 10 % "
                "des Auftragswerts.",
            ),
        ],
        _label(
            supplier="Gießerei Brandt GmbH",
            supplier_vat="DE119345782",
            supplier_id="SUP-BRANDT",
            category="castings",
            value="650000.00",
            currency="EUR",
            effective="2027-01-01",
            end="2028-12-31",
            net=30,
            discount=("2", 10),
            ld=("1", "week", "10"),
            milestones=[
                _ms("Modellbau", "2027-03-15", "65000.00"),
                _ms("Erstmusterprüfbericht", "2027-05-31", "97500.00"),
            ],
        ),
    ),
    "c13_en_norte_eom": (
        [
            ("h", "Supply Agreement — Motors for the Americas"),
            ("p", "Contract No.: SA-2027-061"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Buyer") and Motores del Norte S.A. '
                'de C.V., Monterrey, Nuevo León ("Supplier").',
            ),
            (
                "p",
                "This Agreement has effect from 1 November 2027 and shall remain in force "
                "until 31 October 2028.",
            ),
            ("p", "The total contract value is USD 120,000.00."),
            ("p", "Payment terms: 60 days end of month."),
        ],
        _label(
            supplier="Motores del Norte S.A. de C.V.",
            supplier_vat=None,
            supplier_id="SUP-NORTE",
            category="motors",
            value="120000.00",
            currency="USD",
            effective="2027-11-01",
            end="2028-10-31",
            net=60,
            note="60 days end of month is read as 60 net days (end of month is not modelled)",
        ),
    ),
    "c14_en_shengda_discount": (
        [
            ("h", "Spot Supply Agreement"),
            ("p", "Agreement No.: SSA-2027-070"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Buyer") and Shengda Electric Co., '
                'Ltd., Ningbo, Zhejiang ("Supplier").',
            ),
            (
                "p",
                "It commences on 1 August 2027 and ends on 31 January 2028.",
            ),
            ("p", "The total price of the goods is USD 58,000.00."),
            ("p", "Payment terms: 2/10 net 30."),
            (
                "p",
                "Liquidated damages: 1% per week of late delivery, up to a maximum of 10%.",
            ),
        ],
        _label(
            supplier="Shengda Electric Co., Ltd.",
            supplier_vat=None,
            supplier_id="SUP-SHENGDA",
            category="motors",
            value="58000.00",
            currency="USD",
            effective="2027-08-01",
            end="2028-01-31",
            net=30,
            discount=("2", 10),
            ld=("1", "week", "10"),
        ),
    ),
}

HELDOUT: dict[str, tuple[list[Part], dict[str, Any]]] = {
    "h01_de_kowalski_prose": (
        [
            ("h", "Liefervertrag Elektromotoren (Zweitquelle)"),
            ("p", "Vertrags-Nr.: LV-2027-077"),
            (
                "p",
                f"Dieser Vertrag wird zwischen {BUYER}, Hamburg („Käufer“) und Kowalski "
                "Elektromotory Sp. z o.o., Poznań, Polen („Verkäufer“) geschlossen.",
            ),
            ("p", "Der Vertrag gilt vom 1. Juni 2027 bis zum 31. Mai 2029."),
            ("p", "Der Vertragswert beträgt EUR 275.500,00."),
            ("p", "Zahlungsziel: 60 Tage nach Rechnungseingang, netto."),
            ("p", "USt-IdNr. des Verkäufers: PL7781234567"),
            (
                "p",
                "Bei Verzug schuldet der Verkäufer eine Vertragsstrafe von 0,2 % pro Arbeitstag, "
                "maximal 5 % des Vertragswerts.",
            ),
        ],
        _label(
            supplier="Kowalski Elektromotory Sp. z o.o.",
            supplier_vat="PL7781234567",
            supplier_id="SUP-KOWALSKI",
            category="motors",
            value="275500.00",
            currency="EUR",
            effective="2027-06-01",
            end="2029-05-31",
            net=60,
            ld=("0.2", "day", "5"),
        ),
    ),
    "h02_fr_dufresne_table": (
        [
            ("h", "Contrat de fourniture — joints toriques"),
            (
                "t",
                [
                    ("Rubrique", "Contenu"),
                    ("Contrat n°", "CF-2027-118"),
                    ("Acheteur", f"{BUYER}, Hambourg"),
                    ("Fournisseur", "Joints Dufresne SA, Lyon"),
                    ("N° TVA du Fournisseur", "FR47385112307"),
                    ("Montant total", "75 000,00 EUR"),
                    ("Date d'effet", "1er septembre 2027"),
                    ("Date de fin", "31 août 2029"),
                    ("Conditions de paiement", "30 jours fin de mois"),
                ],
            ),
            ("p", "Les conditions générales d'achat de l'Acheteur s'appliquent."),
        ],
        _label(
            supplier="Joints Dufresne SA",
            supplier_vat="FR47385112307",
            supplier_id="SUP-DUFRESNE",
            category="seals",
            value="75000.00",
            currency="EUR",
            effective="2027-09-01",
            end="2029-08-31",
            net=30,
            note="30 jours fin de mois is read as 30 net days (end of month is not modelled)",
        ),
    ),
    "h03_en_yokohama_run_from": (
        [
            ("h", "Long-Term Supply Agreement — Precision Bearings"),
            ("p", "Agreement No.: LTA-2027-031"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Purchaser") and Yokohama Seimitsu '
                'K.K., Yokohama, Japan ("Seller").',
            ),
            ("p", "The initial term shall run from 1 April 2027 to 31 March 2030."),
            ("p", "The total contract value is JPY 120,000,000."),
            ("p", "Payment is due 45 days after receipt of invoice."),
            (
                "p",
                "Liquidated damages: 0.25% of the order value for every full week of delay, "
                "subject to a maximum of 5%.",
            ),
        ],
        _label(
            supplier="Yokohama Seimitsu K.K.",
            supplier_vat=None,
            supplier_id="SUP-YOKOHAMA",
            category="bearings",
            value="120000000",
            currency="JPY",
            effective="2027-04-01",
            end="2030-03-31",
            net=45,
            ld=("0.25", "week", "5"),
        ),
    ),
    "h04_en_unknown_castings": (
        [
            ("h", "Castings Supply Agreement"),
            ("p", "Contract No.: CSA-2028-002"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Buyer") and Ridgeway Castings Ltd, '
                'Sheffield ("Supplier").',
            ),
            (
                "p",
                "This Agreement shall come into effect on 15 January 2028 and shall terminate "
                "on 14 January 2029.",
            ),
            ("p", "The contract price is GBP 88,000.00."),
            ("p", "Payment terms: 3% 15 days, net 45."),
            ("p", "Supplier VAT No.: GB391846275"),
        ],
        _label(
            supplier="Ridgeway Castings Ltd",
            supplier_vat="GB391846275",
            supplier_id=None,
            category=None,
            value="88000.00",
            currency="GBP",
            effective="2028-01-15",
            end="2029-01-14",
            net=45,
            discount=("3", 15),
            note="not in the supplier master: must be asked about, never linked",
        ),
    ),
    "h05_en_isar_milestones": (
        [
            ("h", "Control Board Development Agreement"),
            ("p", "Contract No.: CBD-2027-014"),
            (
                "p",
                f'This Agreement is made between {BUYER} ("Client") and Isar Elektronik GmbH, '
                'Munich ("Contractor").',
            ),
            ("p", "This Agreement is effective from 1 May 2027 until 30 April 2028."),
            ("p", "The total contract value is EUR 140,000.00."),
            ("p", "Each milestone is invoiced on acceptance:"),
            (
                "t",
                [
                    ("Payment milestone", "Date", "Amount (EUR)"),
                    ("Design review", "30 June 2027", "42,000.00"),
                    ("Prototype acceptance", "30 September 2027", "56,000.00"),
                    ("Production release", "31 January 2028", "42,000.00"),
                ],
            ),
            ("p", "Payment terms: net 30 days."),
        ],
        _label(
            supplier="Isar Elektronik GmbH",
            supplier_vat=None,
            supplier_id="SUP-ISAR",
            category="electronics",
            value="140000.00",
            currency="EUR",
            effective="2027-05-01",
            end="2028-04-30",
            net=30,
            milestones=[
                _ms("Design review", "2027-06-30", "42000.00"),
                _ms("Prototype acceptance", "2027-09-30", "56000.00"),
                _ms("Production release", "2028-01-31", "42000.00"),
            ],
        ),
    ),
}


def _docx(parts: list[Part]) -> bytes:
    import io

    import docx

    document = docx.Document()
    for kind, content in parts:
        if kind == "h":
            document.add_heading(content, level=2)
        elif kind == "p":
            document.add_paragraph(content)
        else:
            rows = content
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, values, strict=True):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(docx_path: Path, folder: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to print the PDFs")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(docx_path),
            ],
            check=True,
            capture_output=True,
        )


def write(folder: Path, contracts: dict[str, tuple[list[Part], dict[str, Any]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (parts, label) in contracts.items():
        docx_path = folder / f"{name}.docx"
        docx_path.write_bytes(_docx(parts))
        _pdf(docx_path, folder)
        (folder / f"{name}.json").write_text(
            json.dumps(label, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    if which == "heldout":
        write(HERE / "corpus-heldout" / "contracts", HELDOUT)
    else:
        write(HERE / "corpus" / "contracts", CORPUS)
