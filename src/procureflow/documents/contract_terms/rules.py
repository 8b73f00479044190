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
from procureflow.documents.contract_terms.values import find_amounts, find_dates, parse_number
from procureflow.domain.payment_terms import PaymentTerms, parse_payment_terms
from procureflow.errors import InvalidInput

_BUYER_ROLES = "buyer|customer|purchaser|client|principal"
_SUPPLIER_ROLES = "supplier|contractor|vendor|seller|service provider"
_BETWEEN = re.compile(
    rf"between\s+(?P<a>.+?)\s*\((?:the\s+)?[\"“']?(?P<ra>{_BUYER_ROLES}|{_SUPPLIER_ROLES})[\"”']?\)"
    rf".*?\band\s+(?P<b>.+?)\s*\((?:the\s+)?[\"“']?(?P<rb>{_BUYER_ROLES}|{_SUPPLIER_ROLES})[\"”']?\)",
    re.IGNORECASE,
)
_ROLE_LINE = re.compile(
    rf"^(?P<role>{_BUYER_ROLES}|{_SUPPLIER_ROLES})\s*:\s*(?P<name>[^,;]+)", re.IGNORECASE
)
_TAX_ID = re.compile(
    r"\b(?:VAT\s*(?:ID|No\.?|number|reg(?:istration)?\.?\s*no\.?)|tax\s*(?:ID|number)|USt-IdNr\.?)"
    r"\s*[:.]?\s*(?P<id>[A-Z]{2}\s?[0-9A-Z]{6,14})",
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
    r"\b(?:contract\s+(?:value|price|sum)|total\s+(?:value|price|amount)|price\s+of|value\s+of)\b",
    re.IGNORECASE,
)
_EFFECTIVE = re.compile(
    r"\b(?:effective|commenc\w*|enters?\s+into\s+force|start\s+date|begins?)\b", re.IGNORECASE
)
_END = re.compile(
    r"\b(?:end\s+date|expir\w*|terminat\w*\s+on|until|ends?\s+on|remains?\s+in\s+force)\b",
    re.IGNORECASE,
)
_PAYMENT = re.compile(
    r"\b(?:payment\s+terms?|payable|net\s*\d+|\d+\s*/\s*\d+\s+net|pay(?:s|ment)?\b[^.]*?\bdays?\b)",
    re.IGNORECASE,
)
_LD = re.compile(r"liquidated\s+damages|penalt(?:y|ies)\s+for\s+(?:late|delay)", re.IGNORECASE)
_LD_RATE = re.compile(
    r"(?P<rate>\d+(?:[.,]\d+)?)\s*%[^.;%]*?\b(?:per|for\s+each|for\s+every|each)\s+"
    r"(?:full\s+|complete\s+|calendar\s+|commenced\s+)?(?P<period>week|day|month)",
    re.IGNORECASE,
)
_LD_CAP = re.compile(
    r"\b(?:cap(?:ped)?|maximum|max\.?|not\s+(?:to\s+)?exceed\w*|limited\s+to|up\s+to)\b[^%]*?"
    r"(?P<cap>\d+(?:[.,]\d+)?)\s*%",
    re.IGNORECASE,
)


def evidence_of(block: Block) -> Evidence:
    return Evidence(location=block.location, text=block.text[:400])


def clean_name(name: str) -> str:
    """A name without surrounding punctuation and quotes."""
    return name.strip().strip(",;:").strip('"“”').strip()


def find_parties(blocks: Sequence[Block]) -> tuple[Party | None, Party | None]:
    """Buyer and supplier, from "between A ("Buyer") and B ("Supplier")" or "Supplier: B" lines."""
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
            is_buyer = re.fullmatch(_BUYER_ROLES, role, re.IGNORECASE) is not None
            party = Party(
                role="buyer" if is_buyer else "supplier",
                name=clean_name(name),
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


def find_dates_of_term(blocks: Sequence[Block]) -> tuple[DateTerm | None, DateTerm | None]:
    """Effective and end dates ("effective from A until B", "expires on B", ...)."""
    effective: DateTerm | None = None
    end: DateTerm | None = None
    for block in blocks:
        dates = find_dates(block.text)
        if not dates:
            continue
        starts = _EFFECTIVE.search(block.text)
        ends = _END.search(block.text)
        if starts and effective is None:
            effective = DateTerm(value=dates[0], evidence=evidence_of(block))
            if ends and len(dates) > 1 and end is None:
                end = DateTerm(value=dates[1], evidence=evidence_of(block))
        elif ends and end is None:
            end = DateTerm(value=dates[-1], evidence=evidence_of(block))
        if effective and end:
            break
    return effective, end


_CLAUSES = re.compile(r"[;.]\s+|,\s+(?=(?:and\s+)?(?:a|an|with|less)\b)")
_DISCOUNT = re.compile(r"(?P<pct>\d+(?:[.,]\d+)?)\s*%")


def _terms_of(text: str) -> tuple[int, Decimal | None, int | None] | None:
    """(net days, discount %, discount days) of one block, clause by clause: a clause with
    a percentage gives the discount and its period, the others the net period."""
    net: int | None = None
    discount: tuple[Decimal, int] | None = None
    for clause in _CLAUSES.split(text):
        try:
            terms = parse_payment_terms(clause)
        except InvalidInput:
            continue
        if terms.discount_pct is not None and terms.discount_days is not None:
            return terms.net_days, terms.discount_pct, terms.discount_days
        pct = _DISCOUNT.search(clause)
        if pct and re.search(r"discount|skonto|early", clause, re.IGNORECASE):
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
            period=rate.group("period").lower(),
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
    "supplier_details",
]
