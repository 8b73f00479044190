"""Rule-based reading of contract terms from located text blocks: parties, value, dates,
payment terms, liquidated damages (schedules — items, milestones, certifications — are in
:mod:`procureflow.documents.contract_terms.schedules`).

Each finder returns the first convincing reading together with its evidence. The rules
cover the way English commercial contracts usually state these terms; anything they
cannot place is listed as missing (and may be handed to a language model).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from procureflow.documents.contract_terms.model import (
    ContractValue,
    DateTerm,
    Evidence,
    LiquidatedDamagesTerm,
    Party,
    PaymentTermsTerm,
)
from procureflow.documents.contract_terms.reading import Block
from procureflow.documents.contract_terms.values import (
    DATE_PATTERN,
    date_of,
    find_amounts,
    parse_number,
)
from procureflow.domain.payment_terms import PaymentTerms, parse_payment_terms
from procureflow.errors import InvalidInput

_BUYER_ROLES = (
    "buyer|customer|purchaser|client|principal|käufer|besteller|auftraggeber|acheteur|"
    "acquéreur|donneur d'ordre"
)
_SUPPLIER_ROLES = (
    "supplier|contractor|vendor|seller|service provider|lieferant|auftragnehmer|verkäufer|"
    "fournisseur|prestataire|vendeur|titulaire"
)
_QUOTES = "\"“”„‚‘’'«»"
_ROLE = (
    rf"\(\s*(?:the\s+|der\s+|die\s+|le\s+|la\s+|l['’]\s*)?[{_QUOTES}\s]*"
    rf"(?:(?:le|la|l['’])\s*)?(?P<{{}}>{_BUYER_ROLES}|{_SUPPLIER_ROLES})[{_QUOTES}\s]*\)"
)
_BETWEEN = re.compile(
    rf"\b(?:between|zwischen|entre)\s+(?P<a>.+?)\s*{_ROLE.format('ra')}"
    rf".*?\b(?:and|und|et)\s+(?P<b>.+?)\s*{_ROLE.format('rb')}",
    re.IGNORECASE,
)
_ROLE_LINE = re.compile(
    rf"^(?P<role>{_BUYER_ROLES}|{_SUPPLIER_ROLES})\s*:\s*(?P<name>[^;]+)", re.IGNORECASE
)
# a segment after a comma that belongs to the name: a legal form ("Co., Ltd.") or a
# partner ending in one ("Smith, Jones & Partners LLP"); anything else (a town) ends it
_LEGAL_FORM = (
    r"(?:ltd|limited|inc|llc|llp|plc|corp|corporation|co|company|gmbh|ag|kg|se|sa|sas|sarl|"
    r"s\.\s?a\.(?:\s?de\s?c\.\s?v\.)?|s\.\s?p\.\s?a\.|spa|srl|s\.\s?r\.\s?l\.|"
    r"bv|nv|jsc|k\.\s?k\.|kk|oy|oü|ab|a/s|as|sp\.\s?z\s?o\.\s?o\.|pty|pte)\.?"
)
_NAME_SEGMENT = re.compile(rf"^(?:.*\s)?{_LEGAL_FORM}$", re.IGNORECASE)
_TAX_ID = re.compile(
    r"\b(?:VAT\s*(?:ID|No\.?|number|reg(?:istration)?\.?\s*no\.?)?|tax\s*(?:ID|number)|"
    r"USt-?IdNr\.?|Umsatzsteuer-Identifikationsnummer|(?:N°\s*(?:de\s+)?)?TVA"
    r"(?:\s+intracommunautaire)?)"
    r"[^:\n]{0,40}?\s*[:.]?\s*(?P<id>(?-i:[A-Z]{2}\s?(?=[0-9A-Z]*\d)[0-9A-Z]{6,14}))\b",
    re.IGNORECASE,
)
_IBAN = re.compile(r"\bIBAN\s*[:.]?\s*(?P<iban>[A-Z]{2}\d{2}(?:\s?[0-9A-Z]{1,4}){3,8})")
_BIC = re.compile(
    r"\b(?:BIC|SWIFT)(?:/SWIFT)?\s*[:.]?\s*(?P<bic>[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"
)
_NUMBER_LINE = re.compile(
    r"\b(?:contract|agreement)\s*(?:no\.?|number|ref(?:erence)?)\s*[:.]?\s*(?P<no>[A-Z0-9][\w./-]*)",
    re.IGNORECASE,
)
_CATEGORY = re.compile(r"\b(?:spend\s+)?category\s*:\s*(?P<cat>[\w -]+)", re.IGNORECASE)
_VALUE_WORDS = re.compile(
    r"\b(?:contract\s+(?:value|price|sum)|total\s+(?:value|price|amount)|price\s+of|value\s+of|"
    r"(?:gesamt)?(?:auftrags|vertrags)wert|gesamt(?:preis|betrag|wert)|montant\s+total|"
    r"valeur\s+(?:totale\s+)?du\s+contrat|prix\s+total)\b",
    re.IGNORECASE,
)
# what makes a date the start or the end of the term: the nearest cue before the date
# in its sentence ("takes effect on A and remains in force until B" — A starts, B ends);
# the plain words "from", "vom" and "to" count only right before the date ("from A to B")
_EFFECTIVE = re.compile(
    r"\b(?:effective|effect|commenc\w*|enters?\s+into\s+force|entry\s+into\s+force|"
    r"comes?\s+into\s+force|start(?:s|ing)?(?:\s+date)?|begins?|beginning|from(?=\s*$)|"
    r"vertragsbeginn|beginnt|beginn|tritt|wirksam|gültig\s+ab|ab\s+dem|vom(?=\s*$)|"
    r"entre\s+en\s+vigueur|prend\s+effet|à\s+compter\s+du|date\s+d['’]effet|commence|débute)\b",
    re.IGNORECASE,
)
_END = re.compile(
    r"\b(?:end\s+date|expir\w*|terminat\w*|(?<!valid\s)until|through|till|ends?|ending|to(?=\s*$)|"
    r"vertragsende|endet|läuft\s+bis|(?<!gültig\s)bis|prend\s+fin|expire|"
    r"(?<!valable\s)jusqu['’]au|fin)\b",
    re.IGNORECASE,
)
# a sentence ends at a period after a word, not after a day ("1. März 2027")
_DATE_CLAUSE = re.compile(r"(?<=[^\d\s][.;])\s+(?=[A-ZÄÖÜ])")
_PAYMENT = re.compile(
    r"\b(?:payment\s+terms?|payable|net\s*\d+|\d+\s*/\s*\d+\s+net|pay(?:s|ment)?\b[^.]*?\bdays?\b|"
    r"zahlungsziel|zahlungsbedingungen|zahlbar|tage\s+netto|paiement|jours\s+nets?)",
    re.IGNORECASE,
)
_LD = re.compile(
    r"liquidated\s+damages|penalt(?:y|ies)\s+for\s+(?:late|delay)|vertragsstrafe|"
    r"pénalités?\s+de\s+retard|pénalités",
    re.IGNORECASE,
)
_LD_RATE = re.compile(
    r"(?P<rate>\d+(?:[.,]\d+)?)\s*%[^.;%]*?\b(?:per|for\s+each|for\s+every|each|je|pro|par)\s+"
    r"(?:full\s+|complete\s+|calendar\s+|commenced\s+|vollendete[rn]?\s+|angefangene[rn]?\s+|"
    r"volle[rn]?\s+|working\s+|business\s+)?(?P<period>week|day|month|(?:kalender)?woche|"
    r"(?:kalender|arbeits|werk)?tag|monat|"
    r"semaine|jour|mois)",
    re.IGNORECASE,
)
_LD_CAP = re.compile(
    r"\b(?:cap(?:ped)?|maximum|max\.?|not\s+(?:to\s+)?exceed\w*|limited\s+to|up\s+to|"
    r"höchstens|maximal|begrenzt\s+auf|plafonn\w*|dans\s+la\s+limite)[^%]*?"
    r"(?P<cap>\d+(?:[.,]\d+)?)\s*%",
    re.IGNORECASE,
)


def evidence_of(block: Block) -> Evidence:
    return Evidence(location=block.location, text=block.text[:400])


def clean_name(name: str) -> str:
    """A name without surrounding punctuation and quotes."""
    return name.strip().strip(",;:").strip('"“”').strip()


def party_name(written: str) -> str:
    """A party's registered name without the place written after it.

    Contracts write "Huaxin Precision Motors Co., Ltd., Shenzhen": the comma before
    "Ltd." belongs to the name, the one before the town does not. Segments after a comma
    are kept while they are (or end in) a legal form; the first other one ends the name.
    """
    first, *rest = clean_name(written).split(",")
    name = first.strip()
    for segment in rest:
        segment = segment.strip()
        if not segment or not _NAME_SEGMENT.match(segment):
            break
        name = f"{name}, {segment}"
    return clean_name(name)


def _is_buyer(role: str) -> bool:
    return re.fullmatch(_BUYER_ROLES, role, re.IGNORECASE) is not None


def find_parties(blocks: Sequence[Block]) -> tuple[Party | None, Party | None]:
    """Buyer and supplier, from "between A ("Buyer") and B ("Supplier")" (or "zwischen …
    und …", "entre … et …") or "Supplier: B" lines and key-term table rows."""
    buyer: Party | None = None
    supplier: Party | None = None
    for block in blocks:
        found: list[tuple[str, str]] = []
        match = _BETWEEN.search(block.text)
        if match:
            found = [(match.group("ra"), match.group("a")), (match.group("rb"), match.group("b"))]
        else:
            line = _ROLE_LINE.match(block.text)
            if line:
                found = [(line.group("role"), line.group("name"))]
        for role, name in found:
            is_buyer = _is_buyer(role)
            party = Party(
                role="buyer" if is_buyer else "supplier",
                name=party_name(name),
                evidence=evidence_of(block),
            )
            if is_buyer and buyer is None:
                buyer = party
            elif not is_buyer and supplier is None:
                supplier = party
        if buyer and supplier:
            break
    return buyer, supplier


def supplier_details(blocks: Sequence[Block], supplier: Party | None) -> Party | None:
    """The supplier with its tax id, IBAN and BIC as the contract states them."""
    if supplier is None:
        return None
    tax_id = iban = bic = None
    for block in blocks:
        buyerish = re.search(rf"\b(?:{_BUYER_ROLES})\b", block.text, re.I) and not re.search(
            rf"\b(?:{_SUPPLIER_ROLES})\b", block.text, re.I
        )
        if buyerish:
            continue
        if tax_id is None and (m := _TAX_ID.search(block.text)):
            tax_id = m.group("id").replace(" ", "")
        if iban is None and (m := _IBAN.search(block.text)):
            iban = m.group("iban").replace(" ", "")
        if bic is None and (m := _BIC.search(block.text)):
            bic = m.group("bic")
    return supplier.model_copy(update={"tax_id": tax_id, "iban": iban, "bic": bic})


def find_first(blocks: Iterable[Block], pattern: re.Pattern[str], group: str) -> str | None:
    """The first capture of ``group`` by ``pattern`` over the blocks."""
    for block in blocks:
        match = pattern.search(block.text)
        if match:
            return clean_name(match.group(group))
    return None


def find_title(blocks: Sequence[Block]) -> str | None:
    """The first short block naming an agreement or contract."""
    for block in blocks[:5]:
        if len(block.text) <= 120 and re.search(r"agreement|contract", block.text, re.I):
            return block.text
    return None


def find_value(blocks: Sequence[Block]) -> ContractValue | None:
    """The total value: the largest amount in a block that speaks of the contract's value."""
    for block in blocks:
        if _VALUE_WORDS.search(block.text):
            amounts = find_amounts(block.text)
            if amounts:
                best = max(amounts, key=lambda a: a.amount)
                return ContractValue(
                    amount=best.amount, currency=best.currency, evidence=evidence_of(block)
                )
    return None


def _dates_with_cues(text: str) -> list[tuple[str, date]]:
    """Each date of ``text`` with the role of the nearest cue before it in its sentence:
    ``start``, ``end`` or ``""`` (no cue: a due date, a signature date)."""
    found: list[tuple[str, date]] = []
    for sentence in _DATE_CLAUSE.split(text):
        since = 0
        for match in DATE_PATTERN.finditer(sentence):
            value = date_of(match)
            if value is None:
                continue
            window = sentence[since : match.start()]
            cues = [(m.start(), "start") for m in _EFFECTIVE.finditer(window)]
            cues += [(m.start(), "end") for m in _END.finditer(window)]
            found.append((max(cues)[1] if cues else "", value))
            since = match.end()
    return found


def find_dates_of_term(blocks: Sequence[Block]) -> tuple[DateTerm | None, DateTerm | None]:
    """Effective and end dates, each date placed by the cue written before it.

    "takes effect on A and remains in force until B", "tritt am A in Kraft und endet am
    B", "entre en vigueur le A et prend fin le B", "Effective date: A" — the start and the
    end may share a sentence, so every date is read, not just the first or the last.
    """
    effective: DateTerm | None = None
    end: DateTerm | None = None
    for block in blocks:
        for role, value in _dates_with_cues(block.text):
            if role == "start" and effective is None:
                effective = DateTerm(value=value, evidence=evidence_of(block))
            elif role == "end" and end is None:
                end = DateTerm(value=value, evidence=evidence_of(block))
        if effective and end:
            break
    return effective, end


_CLAUSES = re.compile(r"[;.]\s+|,\s+(?=(?:and\s+)?(?:a|an|with|less)\b)")
# "14 Tage 2 % Skonto", "10 Tagen mit 2 % Skonto", "10 days with 2 % discount"
_DAYS_THEN_DISCOUNT = re.compile(
    r"(?P<days>\d{1,3})\s*(?:calendar\s+)?(?:days?|tage?n?|jours)\s*,?\s*(?:mit|with|avec)?\s*"
    r"(?P<pct>\d+(?:[.,]\d+)?)\s*%\s*(?:skonto|discount|escompte)",
    re.IGNORECASE,
)
_DISCOUNT = re.compile(r"(?P<pct>\d+(?:[.,]\d+)?)\s*%")


def _terms_of(text: str) -> tuple[int, Decimal | None, int | None] | None:
    """(net days, discount %, discount days) of one block, clause by clause: a clause with
    a percentage gives the discount and its period, the others the net period."""
    net: int | None = None
    discount: tuple[Decimal, int] | None = None
    early = _DAYS_THEN_DISCOUNT.search(text)
    if early:
        discount = (parse_number(early.group("pct")), int(early.group("days")))
        text = text[: early.start()] + " " + text[early.end() :]
    for clause in _CLAUSES.split(text):
        try:
            terms = parse_payment_terms(clause)
        except InvalidInput:
            continue
        if terms.discount_pct is not None and terms.discount_days is not None:
            return terms.net_days, terms.discount_pct, terms.discount_days
        pct = _DISCOUNT.search(clause)
        if pct and re.search(r"discount|skonto|escompte|early", clause, re.IGNORECASE):
            discount = (parse_number(pct.group("pct")), terms.net_days)
        elif net is None or terms.net_days > net:
            net = terms.net_days
    if net is None:
        return None
    if discount is not None and discount[1] <= net:
        return net, discount[0], discount[1]
    return net, None, None


def find_payment_terms(blocks: Sequence[Block]) -> PaymentTermsTerm | None:
    """Payment terms in digits or words (``2/10 net 30``, ``within thirty days; 2 %
    discount if paid within ten days``)."""
    for index, block in enumerate(blocks):
        if not _PAYMENT.search(block.text) or _LD.search(block.text):
            continue
        label, colon, rest = block.text.partition(":")
        text = rest if colon and label.lower().startswith("payment") else block.text
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following and following.location == block.location and following.text[:1].islower():
            text += " " + following.text  # a sentence wrapped onto the next PDF line
        found = _terms_of(text)
        if found is None:
            continue
        net, pct, days = found
        try:
            terms = PaymentTerms(net_days=net, discount_pct=pct, discount_days=days, text=text)
        except InvalidInput:
            continue
        return PaymentTermsTerm(
            net_days=terms.net_days,
            discount_pct=terms.discount_pct,
            discount_days=terms.discount_days,
            notation=terms.describe(),
            evidence=evidence_of(block),
        )
    return None


_PERIODS = {
    "week": "week",
    "woche": "week",
    "semaine": "week",
    "day": "day",
    "tag": "day",
    "jour": "day",
    "month": "month",
    "monat": "month",
    "mois": "month",
}


def find_liquidated_damages(blocks: Sequence[Block]) -> LiquidatedDamagesTerm | None:
    """The late-delivery clause: rate per week/day and its cap."""
    for index, block in enumerate(blocks):
        if not _LD.search(block.text):
            continue
        text = " ".join(b.text for b in blocks[index : index + 2])
        rate = _LD_RATE.search(text)
        if not rate:
            continue
        cap = _LD_CAP.search(text[rate.end() :])
        return LiquidatedDamagesTerm(
            rate_pct=parse_number(rate.group("rate")),
            period=_PERIODS[
                re.sub(r"^(?:kalender|arbeits|werk)", "", rate.group("period").lower())
            ],
            cap_pct=parse_number(cap.group("cap")) if cap else None,
            evidence=evidence_of(block),
        )
    return None


__all__ = [
    "clean_name",
    "evidence_of",
    "find_dates_of_term",
    "find_first",
    "find_liquidated_damages",
    "find_parties",
    "find_payment_terms",
    "find_title",
    "find_value",
    "party_name",
    "supplier_details",
]
