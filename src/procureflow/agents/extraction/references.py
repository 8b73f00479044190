"""Purchase-order numbers, reasons, force majeure and price figures in mail text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from procureflow.agents.extraction.lexicon import FORCE_MAJEURE, REASON_MARKERS

_PO_CODE = re.compile(r"\b(?:PO|P\.O\.|BE|BST)[-\s#:]?\d{2,}(?:[-/]\d+)*\b", re.IGNORECASE)
_PO_AFTER_WORD = re.compile(
    r"\b(?:purchase order|order|Bestellung|Bestellnummer|Auftrag(?:snummer)?|"
    r"commande|bon de commande)\s*(?:no\.?|nr\.?|n°|number|nummer|#)?\s*[:#]?\s*"
    r"(?P<code>[A-Z]{0,4}-?\d[\d/-]{3,}\d)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s?%")
_AMOUNT = re.compile(
    r"(?:(?P<cur1>USD|EUR|GBP|CHF|JPY|CNY|PLN|\$|€|£)\s?(?P<num1>\d[\d,.]*\d|\d))"
    r"|(?:(?P<num2>\d[\d,.]*\d|\d)\s?(?P<cur2>USD|EUR|GBP|CHF|JPY|CNY|PLN|€|\$|£))"
)
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}


def find_po_numbers(text: str, *, exclude: Sequence[str] = ()) -> list[str]:
    """PO numbers in order of appearance, upper-cased, each once; ``exclude`` drops SKUs."""
    skip = {e.upper() for e in exclude}
    found: list[str] = []
    for match in _PO_CODE.finditer(text):
        code = re.sub(r"\s+", "-", match.group(0).upper().replace("P.O.", "PO")).replace("#", "")
        if code not in found and code not in skip:
            found.append(code)
    for match in _PO_AFTER_WORD.finditer(text):
        code = match["code"].upper()
        if code not in skip and not any(code in f for f in found):
            found.append(code)
    return found


def find_reason(sentences: Sequence[str]) -> tuple[str, str] | None:
    """The stated cause and its sentence: text after "due to", "aufgrund", "en raison de" …

    A cause that opens the sentence ("Due to X, we …") ends at the first comma; otherwise
    it runs to the end of the clause.
    """
    for sentence in sentences:
        match = REASON_MARKERS.search(sentence)
        if not match:
            continue
        rest = sentence[match.end() :]
        cut = r"[,;]" if match.start() <= 3 else r";"
        reason = re.split(cut, rest, maxsplit=1)[0].strip().rstrip(".!").strip()
        if len(reason) >= 3:
            return reason[:300], sentence
    return None


def find_force_majeure(sentences: Sequence[str]) -> str | None:
    """The sentence invoking force majeure (höhere Gewalt, act of God), if any."""
    return next((s for s in sentences if FORCE_MAJEURE.search(s)), None)


def find_percentages(sentence: str) -> list[Decimal]:
    """Percentages in ``sentence`` (``8.5%``, ``8,5 %``)."""
    values: list[Decimal] = []
    for match in _PERCENT.finditer(sentence):
        try:
            values.append(Decimal(match.group(1).replace(",", ".")))
        except InvalidOperation:
            continue
    return values


_OLD_PRICE = re.compile(
    r"\b(?:previously|formerly|was|old|instead of|from|bisher|vorher|alt|statt|anstatt|von|"
    r"auparavant|précédemment|ancien|au lieu de)\b",
    re.IGNORECASE,
)
_NEW_PRICE = re.compile(r"\b(?:new|now|to|neu\w*|nun|auf|nouveau|désormais|à)\b", re.IGNORECASE)


def new_and_old_price(sentence: str) -> tuple[tuple[Decimal, str], Decimal | None] | None:
    """The new price (with currency) and the old one, if stated, in a price sentence.

    An amount right after "previously", "bisher", "auparavant", "from" … is the old
    price; the first other amount is the new one ("USD 8.46 (previously USD 7.80)",
    "von 86,00 EUR auf 91,59 EUR").
    """
    amounts = find_amounts(sentence)
    if not amounts:
        return None
    new: tuple[Decimal, str] | None = None
    old: Decimal | None = None
    previous_end = 0
    for value, currency, start, end in amounts:
        window = sentence[previous_end:start]
        olds = [m.end() for m in _OLD_PRICE.finditer(window)]
        news = [m.end() for m in _NEW_PRICE.finditer(window)]
        is_old = bool(olds) and (not news or max(olds) > max(news))
        if is_old and old is None:
            old = value
        elif not is_old and new is None:
            new = (value, currency)
        previous_end = end
    if new is None:
        return None
    return new, old


def find_amounts(sentence: str) -> list[tuple[Decimal, str, int, int]]:
    """Money amounts with their currency (``USD 8.46``, ``8,46 €``) and where they stand."""
    found: list[tuple[Decimal, str, int, int]] = []
    for match in _AMOUNT.finditer(sentence):
        number = match["num1"] or match["num2"]
        currency = match["cur1"] or match["cur2"]
        text = number
        if "," in text and "." in text:
            text = (
                text.replace(",", "")
                if text.rfind(".") > text.rfind(",")
                else text.replace(".", "").replace(",", ".")
            )
        elif "," in text:
            text = (
                text.replace(",", ".")
                if len(text.rsplit(",", 1)[1]) != 3
                else text.replace(",", "")
            )
        try:
            found.append(
                (Decimal(text), _SYMBOLS.get(currency, currency), match.start(), match.end())
            )
        except InvalidOperation:
            continue
    return found


__all__ = [
    "find_amounts",
    "find_force_majeure",
    "find_percentages",
    "find_po_numbers",
    "find_reason",
    "new_and_old_price",
]
