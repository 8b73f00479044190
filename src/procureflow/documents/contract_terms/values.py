"""Dates, amounts and currencies as contracts write them.

Dates: ``2026-03-01``, ``1 March 2026``, ``1st of March 2026``, ``March 1, 2026``,
``1. März 2026``, ``1er mars 2026``, ``01.03.2026`` and ``01/03/2026`` (day first, as
European contracts write it).
Amounts: ``EUR 120,000.00``, ``€120.000,00``, ``120 000 EUR``, ``USD 1,250``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from procureflow.domain.currency_codes import require_iso_currency
from procureflow.errors import InvalidInput

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "januar", "jänner", "janvier"),
            ("february", "feb", "februar", "février", "fevrier"),
            ("march", "mar", "märz", "maerz", "mars"),
            ("april", "apr", "avril"),
            ("may", "mai"),
            ("june", "jun", "juni", "juin"),
            ("july", "jul", "juli", "juillet"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "oktober", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "dezember", "décembre", "decembre"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
DATE_PATTERN = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<dmy>\b\d{{1,2}}(?:st|nd|rd|th|er|\.)?\s+(?:of\s+)?(?:{_MONTH})\.?,?\s+\d{{4}}\b)"
    rf"|(?P<mdy>\b(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
    rf"|(?P<num>\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}\b)",
    re.IGNORECASE,
)
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}
_NUMBER = r"\d{1,3}(?:[ ,.']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?P<pre>\b[A-Z]{{3}}\b|[€$£¥])\s?(?P<n1>{_NUMBER})(?!\s?%)"
    rf"|(?P<n2>{_NUMBER})\s?(?P<post>\b[A-Z]{{3}}\b|[€$£¥])"
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_of(match: re.Match[str]) -> date | None:
    """The date a match of :data:`DATE_PATTERN` writes (None when no such day exists)."""
    text = match.group(0)
    if match.group("iso"):
        y, m, d = (int(part) for part in text.split("-"))
        return _safe_date(y, m, d)
    if match.group("num"):
        d, m, y = (int(part) for part in re.split(r"[./]", text))
        return _safe_date(y, m, d)
    words = re.findall(r"[^\W\d_]+|\d+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    month = next((_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS), None)
    if month is None or len(numbers) < 2:
        return None
    day, year = (numbers[0], numbers[-1]) if numbers[-1] > 31 else (numbers[-1], numbers[0])
    return _safe_date(year, month, day)


def find_dates(text: str) -> list[date]:
    """Every date written in ``text``, in order."""
    found = []
    for match in DATE_PATTERN.finditer(text):
        value = date_of(match)
        if value is not None:
            found.append(value)
    return found


def parse_number(text: str) -> Decimal:
    """A number with thousands separators (``,`` ``.`` blank ``'``) and a decimal mark."""
    cleaned = text.replace(" ", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        cleaned = f"{head.replace(',', '')}.{tail}" if len(tail) <= 2 else cleaned.replace(",", "")
    elif cleaned.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise InvalidInput(f"not a number: {text!r}") from exc


@dataclass(frozen=True)
class FoundAmount:
    """An amount with its currency as written."""

    amount: Decimal
    currency: str


def find_amounts(text: str) -> list[FoundAmount]:
    """Every amount with a currency in ``text``; an unknown currency code is an error.

    Three capitals next to a number are taken as a currency code only when they are not
    a common abbreviation of contracts (VAT, NET, ...).
    """
    found = []
    for match in _AMOUNT.finditer(text):
        code = match.group("pre") or match.group("post")
        number = match.group("n1") or match.group("n2")
        if code in _NOT_CURRENCIES:
            continue
        currency = _SYMBOLS.get(code, code)
        require_iso_currency(currency, field="contract currency")
        found.append(FoundAmount(parse_number(number), currency))
    return found


_NOT_CURRENCIES = frozenset({"VAT", "NET", "ISO", "PO", "NO", "DAP", "DDP", "EXW", "FCA", "CIF"})

__all__ = [
    "DATE_PATTERN",
    "FoundAmount",
    "date_of",
    "find_amounts",
    "find_dates",
    "parse_number",
]
