"""The Risk Monitor on the kinds of supplier mail it used to misread.

Each group is one failure class: a mail that is not a delay but was read as one (negation,
quoted replies and forwards, out-of-office replies, newsletters); a delay in relative words
or a partial delivery that was missed; a possible delay that must reach a person; original
and new dates swapped; a price change whose effective date was not read. The phrasings
here differ from the labelled corpus on purpose: the rules are meant to be general.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.demo import demo_master_data

SENT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _read(
    body: str, subject: str = "", sender: str = "sales@atlas-seals.example"
) -> RiskMonitorOutput:
    agent = RiskMonitorAgent(demo_master_data())
    return agent.decide(RiskMonitorInput(sender=sender, subject=subject, body=body, sent_at=SENT))


# --- 5: not a delay, read as one -------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Good news for order PO-7: we foresee no delay for SEAL-MC-35.",
        "There will not be any delays on SEAL-MC-35; it leaves on Friday.",
        "Für SEAL-MC-35 ist keine Verspätung zu erwarten.",
        "Aucun retard n'est à prévoir pour SEAL-MC-35.",
        "SEAL-MC-35 will be shipped without delay.",
    ],
)
def test_a_negated_delay_is_not_a_delay(body: str) -> None:
    out = _read(body)
    assert out.classification == "other" and not out.needs_person


def test_a_negated_price_increase_is_not_a_price_change() -> None:
    out = _read("We keep our prices: there is no price increase on SEAL-MC-35 next year.")
    assert out.classification == "other"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Re: Delay SEAL-MC-35",
            "All sorted, the seals went out this morning.\n\n"
            "On Tue, 17 Nov 2026, Atlas Seals wrote:\n"
            "> SEAL-MC-35 is delayed by 3 weeks.\n",
        ),
        (
            "AW: Verzögerung SEAL-MC-35",
            "Erledigt, die Dichtungen sind unterwegs.\n\n"
            "Am Dienstag, 17. November 2026 schrieb Atlas Seals <sales@atlas-seals.example>:\n"
            "Die Lieferung SEAL-MC-35 verzögert sich um 3 Wochen.\n",
        ),
        (
            "RE: Retard SEAL-MC-35",
            "C'est réglé, les garnitures sont parties ce matin.\n\n"
            "Le mar. 17 nov. 2026 à 10:00, Atlas Seals a écrit :\n"
            "La livraison SEAL-MC-35 a un retard de 3 semaines.\n",
        ),
        (
            "RE: Delay SEAL-MC-35",
            "The seals are on the truck.\n\n"
            "From: Atlas Seals\nSent: Tuesday, November 17, 2026 10:00\nTo: Buyer\n"
            "Subject: Delay SEAL-MC-35\n\nSEAL-MC-35 is delayed by 3 weeks.\n",
        ),
        (
            "AW: Verzögerung",
            "Die Teile sind da.\n\nVon: Atlas Seals\nGesendet: Dienstag, 17. November 2026\n"
            "An: Einkauf\nBetreff: Verzögerung\n\nSEAL-MC-35 verzögert sich um 3 Wochen.\n",
        ),
        (
            "RE: Retard",
            "Les pièces sont arrivées.\n\nDe : Atlas Seals\nEnvoyé : mardi 17 novembre 2026\n"
            "À : Achats\nObjet : Retard\n\nSEAL-MC-35 a un retard de 3 semaines.\n",
        ),
    ],
)
def test_only_the_newest_message_of_a_reply_decides(subject: str, body: str) -> None:
    out = _read(body, subject)
    assert out.classification == "other", out.evidence_lines


def test_a_forward_without_words_of_its_own_is_read_from_the_forwarded_mail() -> None:
    body = (
        "See below.\n\n-----Original Message-----\nFrom: Plant\nSent: Monday, 23 November 2026\n"
        "Subject: SEAL-MC-35\n\nSEAL-MC-35 will be delayed by 9 days.\n"
    )
    out = _read(body, "FW: SEAL-MC-35")
    assert out.classification == "delay_notice" and out.delay is not None
    assert out.delay.days == 9 and out.delay.original_date is None


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Out of Office: SEAL-MC-35", "I am out of office until Monday; replies will be delayed."),
        ("Automatische Antwort", "Ich bin nicht im Büro. Antworten können sich verzögern."),
        ("Absence", "Je suis absent du bureau ; ma réponse sera retardée."),
        (
            "Supply chain digest",
            "Freight is delayed by 10 days on most lanes. Unsubscribe from this newsletter here.",
        ),
    ],
)
def test_auto_replies_and_newsletters_are_not_delays(subject: str, body: str) -> None:
    assert _read(body, subject).classification == "other"


# --- 6: a delay missed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "days"),
    [
        ("SEAL-MC-35 will reach you three days later than agreed.", 3),
        ("Our SEAL-MC-35 batch slipped by two weeks.", 14),
        ("SEAL-MC-35: we are running 8 days behind.", 8),
        ("SEAL-MC-35 kommt leider 4 Tage später.", 4),
        ("SEAL-MC-35 : nous avons 6 jours de retard.", 6),
        ("Half of the SEAL-MC-35 ships today, the rest follows one week later.", 7),
        ("Teillieferung SEAL-MC-35: die Restmenge folgt 5 Tage später.", 5),
    ],
)
def test_relative_delays_and_partial_deliveries_are_delays(body: str, days: int) -> None:
    out = _read(body)
    assert out.classification == "delay_notice", out.scores
    assert out.delay is not None and out.delay.days == days
    assert [i.sku for i in out.items] == ["SEAL-MC-35"]


@pytest.mark.parametrize(
    "body",
    [
        "SEAL-MC-35 could be late, we are still waiting for our supplier.",
        "We are not able to confirm a ship date for SEAL-MC-35 yet.",
        "Den Liefertermin für SEAL-MC-35 können wir noch nicht bestätigen.",
        "Nous ne pouvons pas encore confirmer la date de livraison de SEAL-MC-35.",
        "There is a possible delay on SEAL-MC-35.",
    ],
)
def test_a_possible_delay_goes_to_a_person_not_to_other(body: str) -> None:
    out = _read(body)
    assert out.needs_person, out.scores
    assert out.classification == "other" and out.next_playbook is None
    assert [i.sku for i in out.items] == ["SEAL-MC-35"]
    check = next(g for g in out.decision.guardrails if g.name == "mail read with confidence")
    assert not check.passed


def test_a_firm_delay_is_not_sent_to_a_person() -> None:
    out = _read("SEAL-MC-35 is delayed by 5 days.")
    assert out.classification == "delay_notice" and not out.needs_person


# --- 7: dates swapped ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "original", "new"),
    [
        (
            "SEAL-MC-35 was scheduled to leave on 1 December 2026; due to a breakdown the "
            "new expected date is 9 December 2026.",
            date(2026, 12, 1),
            date(2026, 12, 9),
        ),
        (
            "SEAL-MC-35 was due to arrive on 2 December 2026, it is now delayed and will "
            "arrive on 12 December 2026.",
            date(2026, 12, 2),
            date(2026, 12, 12),
        ),
        (
            "SEAL-MC-35 war ursprünglich zum 01.12.2026 zugesagt, die Lieferung verzögert "
            "sich auf den 11.12.2026.",
            date(2026, 12, 1),
            date(2026, 12, 11),
        ),
        (
            "La livraison SEAL-MC-35 initialement prévue pour le 01/12/2026 est retardée "
            "au 08/12/2026.",
            date(2026, 12, 1),
            date(2026, 12, 8),
        ),
        (
            "SEAL-MC-35 war für den 01.12.2026 geplant, kommt aber erst am 09.12.2026.",
            date(2026, 12, 1),
            date(2026, 12, 9),
        ),
        (
            "SEAL-MC-35 will ship on 15 December 2026 instead of 8 December 2026, sorry "
            "for the delay.",
            date(2026, 12, 8),
            date(2026, 12, 15),
        ),
    ],
)
def test_the_original_and_the_new_date_keep_their_roles(
    body: str, original: date, new: date
) -> None:
    out = _read(body)
    assert out.classification == "delay_notice" and out.delay is not None
    assert (out.delay.original_date, out.delay.new_date) == (original, new)
    assert out.delay.days == (new - original).days


# --- 8: price change half-read ---------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "pct", "effective"),
    [
        (
            "There will be an increase of 3 % on SEAL-MC-35 from 1 February 2027.",
            "3",
            date(2027, 2, 1),
        ),
        ("SEAL-MC-35 prices go up 2.5% as of March 1, 2027.", "2.5", date(2027, 3, 1)),
        ("Ab 1. Februar 2027 steigt der Preis für SEAL-MC-35 um 4 %.", "4", date(2027, 2, 1)),
        ("Preiserhöhung SEAL-MC-35 um 6 % zum 01.04.2027.", "6", date(2027, 4, 1)),
        (
            "Le prix de SEAL-MC-35 augmente de 5 % à compter du 1er mars 2027.",
            "5",
            date(2027, 3, 1),
        ),
        ("Hausse de 2 % sur SEAL-MC-35 à partir du 15/02/2027.", "2", date(2027, 2, 15)),
    ],
)
def test_a_price_change_is_read_with_its_effective_date(
    body: str, pct: str, effective: date
) -> None:
    out = _read(body, "Price information")
    assert out.classification == "price_change", out.scores
    assert out.price_change is not None
    assert out.price_change.percent == Decimal(pct)
    assert out.price_change.effective_date == effective


# --- the same rules must not overreach ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Order no 4711: SEAL-MC-35 is delayed by 2 weeks.",
        "We have not received the steel and SEAL-MC-35 is delayed by 2 weeks.",
        "The SEAL-MC-35 due on 5 May 2027 is delayed by 2 weeks; we ship as soon as possible.",
        "As Ms. Lee is out of the office, I write instead: SEAL-MC-35 is delayed by 2 weeks.",
        "Da Frau Lang abwesend ist, schreibe ich Ihnen: SEAL-MC-35 verzögert sich um 2 Wochen.",
    ],
)
def test_a_firm_delay_stays_a_delay_whatever_else_the_mail_says(body: str) -> None:
    out = _read(body)
    assert out.classification == "delay_notice" and not out.needs_person, out.scores
    assert out.delay is not None and out.delay.days == 14


@pytest.mark.parametrize(
    "body",
    [
        "The packing slip for the SEAL-MC-35 shipment of 27 November 2026 is attached.",
        "Rest assured, the remaining SEAL-MC-35 will be shipped on 1 December 2026 as planned.",
        "The team behind SEAL-MC-35 will visit you on 3 December 2026.",
    ],
)
def test_everyday_words_near_a_date_are_not_a_delay(body: str) -> None:
    out = _read(body)
    assert out.classification == "other" and not out.needs_person, out.scores


def test_a_new_confirmed_date_is_the_new_date() -> None:
    out = _read(
        "SEAL-MC-35 is delayed: the new confirmed date is 8 December 2026 instead of "
        "1 December 2026."
    )
    assert out.delay is not None
    assert (out.delay.original_date, out.delay.new_date) == (date(2026, 12, 1), date(2026, 12, 8))


@pytest.mark.parametrize(
    "body",
    [
        "Could you please confirm receipt of SEAL-MC-35 delivered on 20 November 2026?",
        "Könnten Sie uns den Liefertermin für SEAL-MC-35 bestätigen?",
        "Pourriez-vous confirmer la date de livraison de SEAL-MC-35 ?",
        "We could deliver SEAL-MC-35 earlier if you wish.",
    ],
)
def test_polite_requests_and_offers_are_not_possible_delays(body: str) -> None:
    out = _read(body)
    assert out.classification == "other" and not out.needs_person


@pytest.mark.parametrize(
    ("body", "days"),
    [
        ("SEAL-MC-35 shipment is late by 4 days.", 4),
        ("SEAL-MC-35 will not arrive before 15 December 2026 (originally 8 December 2026).", 7),
        ("SEAL-MC-35 nicht vor dem 15.12.2026 möglich, ursprünglich 08.12.2026.", 7),
    ],
)
def test_a_delay_said_as_lateness_or_a_later_date_is_read(body: str, days: int) -> None:
    out = _read(body)
    assert out.classification == "delay_notice" and out.delay is not None
    assert out.delay.days == days


def test_a_duration_beyond_the_agreed_date_is_a_delay() -> None:
    out = _read("SEAL-MC-35 will come about 9 days after the agreed date.")
    assert out.classification == "delay_notice" and out.delay is not None
    assert out.delay.days == 9


@pytest.mark.parametrize(
    "body",
    [
        "Ab 01.03.2027 berechnen wir für SEAL-MC-35 einen um 3 % höheren Stückpreis.",
        "From 1 March 2027 a higher unit price applies to SEAL-MC-35: plus 3 %.",
    ],
)
def test_a_higher_price_is_a_price_change(body: str) -> None:
    out = _read(body)
    assert out.classification == "price_change" and out.price_change is not None
    assert out.price_change.percent == Decimal(3)
    assert out.price_change.effective_date == date(2027, 3, 1)


@pytest.mark.parametrize(
    "body",
    [
        "We can't tell yet if SEAL-MC-35 will make its delivery date.",
        "Ob SEAL-MC-35 den Liefertermin hält, können wir noch nicht sagen.",
        "Nous ne pouvons pas encore garantir la date de livraison de SEAL-MC-35.",
    ],
)
def test_not_knowing_yet_goes_to_a_person(body: str) -> None:
    out = _read(body)
    assert out.needs_person and out.classification == "other"
