"""Schedules in a contract: priced items and milestones (from tables, or milestones from
prose) and the certifications the supplier must hold, each with its evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from procureflow.documents.contract_terms.model import (
    CertificationTerm,
    Evidence,
    ItemTerm,
    MilestoneTerm,
)
from procureflow.documents.contract_terms.reading import Block, Table
from procureflow.documents.contract_terms.rules import clean_name, evidence_of
from procureflow.documents.contract_terms.values import find_amounts, find_dates, parse_number

_CERT = re.compile(
    r"\b(?:ISO(?:/IEC)?\s?\d{4,5}(?::\d{4})?|IATF\s?16949|AS\s?9100[A-D]?|SA\s?8000|"
    r"CE\s+marking|RoHS|REACH|FSC|EcoVadis|TISAX)\b",
    re.IGNORECASE,
)
_VALID_UNTIL = re.compile(r"\b(?:valid\s+(?:until|through|to)|expir\w*(?:\s+on)?)\b", re.I)
_MILESTONE_PROSE = re.compile(
    r"^\s*(?:milestone|meilenstein|jalon)\s*(?P<no>[\w.]+)?\s*[:.–—-]\s*(?P<name>[^,;–—(]+?)"
    r"\s*(?:[,;–—(]|\b(?:due|fällig|échéance)\b)",
    re.IGNORECASE,
)


def _column(header: Sequence[str], *words: str, skip: int | None = None) -> int | None:
    """The column headed by the first of ``words`` any header cell holds (words in order
    of preference: "Amount" beats "Payment" in a "Payment milestone | Amount" table)."""
    for word in words:
        for index, cell in enumerate(header):
            if index != skip and word in cell.lower():
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
        name_col = _column(header, "milestone", "deliverable", "meilenstein", "jalon")
        amount_col = _column(
            header, "amount", "betrag", "montant", "value", "payment", "price", skip=name_col
        )
        date_col = _column(header, "due", "date", "fällig", "datum", "échéance", skip=name_col)
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
                name=clean_name(match.group("name")),
                due_date=dates[0] if dates else None,
                amount=amounts[0].amount,
                evidence=evidence_of(block),
            )
        )
    return found


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
                    evidence=evidence_of(block),
                )
    return list(found.values())


__all__ = [
    "find_certifications",
    "items_from_tables",
    "milestones_from_prose",
    "milestones_from_tables",
]
