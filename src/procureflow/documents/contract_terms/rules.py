"""Rule-based reading of contract terms from located text blocks and tables.

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
    CertificationTerm,
    ContractValue,
    DateTerm,
    Evidence,
    ItemTerm,
    LiquidatedDamagesTerm,
    MilestoneTerm,
    Party,
    PaymentTermsTerm,
)
from procureflow.documents.contract_terms.reading import Block, Table
from procureflow.documents.contract_terms.values import find_amounts, find_dates, parse_number
from procureflow.domain.payment_terms import parse_payment_terms
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
_PAYMENT = re.compile(r"\b(?:payment\s+terms?|payable|net\s*\d+|\d+\s*/\s*\d+\s+net)\b", re.I)
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
_CERT = re.compile(
    r"\b(?:ISO(?:/IEC)?\s?\d{4,5}(?::\d{4})?|IATF\s?16949|AS\s?9100[A-D]?|SA\s?8000|"
    r"CE\s+marking|RoHS|REACH|FSC|EcoVadis|TISAX)\b",
    re.IGNORECASE,
)
_VALID_UNTIL = re.compile(r"\b(?:valid\s+(?:until|through|to)|expir\w*(?:\s+on)?)\b", re.I)
_MILESTONE_PROSE = re.compile(
    r"^\s*milestone\s*(?P<no>[\w.]+)?\s*[:.–—-]\s*(?P<name>[^,;–—(]+?)\s*(?:[,;–—(]|\bdue\b)",
    re.IGNORECASE,
)


def _evidence(block: Block) -> Evidence:
    return Evidence(location=block.location, text=block.text[:400])


def _clean_name(name: str) -> str:
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
                name=_clean_name(name),
                evidence=_evidence(block),
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
            return _clean_name(match.group(group))
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
                    amount=best.amount, currency=best.currency, evidence=_evidence(block)
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
            effective = DateTerm(value=dates[0], evidence=_evidence(block))
            if ends and len(dates) > 1 and end is None:
                end = DateTerm(value=dates[1], evidence=_evidence(block))
        elif ends and end is None:
            end = DateTerm(value=dates[-1], evidence=_evidence(block))
        if effective and end:
            break
    return effective, end


def find_payment_terms(blocks: Sequence[Block]) -> PaymentTermsTerm | None:
    """Payment terms in digits or words (``2/10 net 30``, ``within thirty days``)."""
    for block in blocks:
        if not _PAYMENT.search(block.text):
            continue
        text = (
            block.text.split(":", 1)[1] if block.text.lower().startswith("payment") else block.text
        )
        try:
            terms = parse_payment_terms(text)
        except InvalidInput:
            continue
        return PaymentTermsTerm(
            net_days=terms.net_days,
            discount_pct=terms.discount_pct,
            discount_days=terms.discount_days,
            notation=terms.describe(),
            evidence=_evidence(block),
        )
    return None


def _column(header: Sequence[str], *words: str) -> int | None:
    for index, cell in enumerate(header):
        if any(word in cell.lower() for word in words):
            return index
    return None


def _amount_of(text: str) -> Decimal | None:
    amounts = find_amounts(text)
    if amounts:
        return amounts[0].amount
    digits = re.search(r"\d[\d ,.']*", text)
    return parse_number(digits.group(0).strip()) if digits else None


def milestones_from_tables(tables: Sequence[Table]) -> list[MilestoneTerm]:
    """Milestones from a schedule table with milestone, due date and amount columns."""
    found: list[MilestoneTerm] = []
    for table in tables:
        if len(table.rows) < 2:
            continue
        header = table.rows[0]
        name_col = _column(header, "milestone", "deliverable")
        amount_col = _column(header, "amount", "value", "payment", "price")
        date_col = _column(header, "due", "date")
        if name_col is None or amount_col is None:
            continue
        for number, row in enumerate(table.rows[1:], start=1):
            if len(row) <= max(name_col, amount_col) or not row[name_col]:
                continue
            amount = _amount_of(row[amount_col])
            if amount is None:
                continue
            due = find_dates(row[date_col]) if date_col is not None else []
            found.append(
                MilestoneTerm(
                    milestone_id=f"M{len(found) + 1}",
                    name=row[name_col],
                    due_date=due[0] if due else None,
                    amount=amount,
                    evidence=Evidence(
                        location=f"{table.location}, row {number}", text=" | ".join(row)
                    ),
                )
            )
    return found


def items_from_tables(tables: Sequence[Table]) -> list[ItemTerm]:
    """Priced items from a schedule table with description, quantity and unit price columns."""
    found: list[ItemTerm] = []
    for table in tables:
        if len(table.rows) < 2:
            continue
        header = table.rows[0]
        qty_col = _column(header, "quantity", "qty")
        price_col = _column(header, "unit price", "price per", "rate")
        desc_col = _column(header, "description", "item", "product")
        if qty_col is None or price_col is None or desc_col is None:
            continue
        sku_col = _column(header, "sku", "part", "article", "code")
        for number, row in enumerate(table.rows[1:], start=1):
            if len(row) <= max(qty_col, price_col, desc_col) or not row[desc_col]:
                continue
            price = _amount_of(row[price_col])
            quantity = re.search(r"\d[\d,.']*", row[qty_col])
            if price is None or quantity is None:
                continue
            found.append(
                ItemTerm(
                    line_id=str(len(found) + 1),
                    sku=(row[sku_col] or None) if sku_col is not None else None,
                    description=row[desc_col],
                    quantity=parse_number(quantity.group(0)),
                    unit_price=price,
                    evidence=Evidence(
                        location=f"{table.location}, row {number}", text=" | ".join(row)
                    ),
                )
            )
    return found


def milestones_from_prose(blocks: Sequence[Block]) -> list[MilestoneTerm]:
    """Milestones written as "Milestone 1: Design approval, due 15 April 2026, EUR 30,000"."""
    found: list[MilestoneTerm] = []
    for block in blocks:
        match = _MILESTONE_PROSE.match(block.text)
        if not match:
            continue
        amounts = find_amounts(block.text)
        if not amounts:
            continue
        dates = find_dates(block.text)
        found.append(
            MilestoneTerm(
                milestone_id=f"M{len(found) + 1}",
                name=_clean_name(match.group("name")),
                due_date=dates[0] if dates else None,
                amount=amounts[0].amount,
                evidence=_evidence(block),
            )
        )
    return found


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
            evidence=_evidence(block),
        )
    return None


def _certification_name(raw: str) -> str:
    name = re.sub(r"\s+", " ", raw.strip())
    name = re.sub(r"^(ISO(?:/IEC)?)\s?(\d)", r"\1 \2", name, flags=re.IGNORECASE)
    return name.upper() if name.lower().startswith(("iso", "iatf", "as", "sa")) else name


def _expiry_after(text: str, start: int) -> date | None:
    tail = text[start:]
    valid = _VALID_UNTIL.search(tail)
    if valid is None:
        return None
    next_cert = _CERT.search(tail)
    if next_cert is not None and next_cert.start() < valid.start():
        return None
    dates = find_dates(tail[valid.end() :])
    return dates[0] if dates else None


def find_certifications(
    blocks: Sequence[Block], tables: Sequence[Table]
) -> list[CertificationTerm]:
    """Certifications the supplier must hold, with their expiry when stated."""
    found: dict[str, CertificationTerm] = {}
    for table in tables:
        header = table.rows[0] if table.rows else ()
        cert_col = _column(header, "certific")
        if cert_col is None:
            continue
        expiry_col = _column(header, "valid", "expir")
        for number, row in enumerate(table.rows[1:], start=1):
            match = _CERT.search(row[cert_col]) if len(row) > cert_col else None
            if not match:
                continue
            expiry = find_dates(row[expiry_col]) if expiry_col is not None else []
            name = _certification_name(match.group(0))
            found.setdefault(
                name,
                CertificationTerm(
                    name=name,
                    valid_until=expiry[0] if expiry else None,
                    evidence=Evidence(
                        location=f"{table.location}, row {number}", text=" | ".join(row)
                    ),
                ),
            )
    for block in blocks:
        if not re.search(r"certif", block.text, re.IGNORECASE):
            continue
        for match in _CERT.finditer(block.text):
            name = _certification_name(match.group(0))
            if name not in found:
                found[name] = CertificationTerm(
                    name=name,
                    valid_until=_expiry_after(block.text, match.end()),
                    evidence=_evidence(block),
                )
    return list(found.values())


__all__ = [
    "find_certifications",
    "find_dates_of_term",
    "find_first",
    "find_liquidated_damages",
    "find_parties",
    "find_payment_terms",
    "find_title",
    "find_value",
    "items_from_tables",
    "milestones_from_prose",
    "milestones_from_tables",
    "supplier_details",
]
