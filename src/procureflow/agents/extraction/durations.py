"""Delays written as durations: "six weeks", "10 Tage", "trois semaines", "4-6 weeks".

A duration is a number (digits or a number word) and a unit (day, working day, week,
month) in English, German or French. A range counts at its upper end — a buyer plans
for the worst stated case. Working days count as 7/5 calendar days (rounded up), a
month as 30 days.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NUMBER_WORDS: dict[str, int] = {
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "couple of": 2, "few": 3,
    # German
    "ein": 1, "eine": 1, "einen": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12, "vierzehn": 14, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
    # French
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15,
    "vingt": 20, "trente": 30,
}  # fmt: skip
# "six" is the same word in English and French; "neun"/"neuf" etc. are distinct.

_UNITS: list[tuple[str, str]] = [
    (r"business days?|working days?|arbeitstag(?:e|en)?|werktag(?:e|en)?|"
     r"jours? ouvr(?:és|ables)", "working_day"),
    (r"weeks?|wks?|woche(?:n)?|semaines?", "week"),
    (r"days?|tag(?:e|en)?|jours?", "day"),
    (r"months?|monat(?:e|en)?|mois", "month"),
    (r"fortnight", "fortnight"),
]  # fmt: skip
_UNIT_DAYS = {"day": 1.0, "working_day": 7 / 5, "week": 7.0, "month": 30.0, "fortnight": 14.0}

_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_WORDS})"
_RANGE_SEP = r"\s*(?:-|–|to|or|bis|oder|à|ou)\s*"
_UNIT = "|".join(f"(?:{pattern})" for pattern, _ in _UNITS)
_DURATION = re.compile(
    rf"(?<![\w.,])(?P<low>{_NUMBER})(?:{_RANGE_SEP}(?P<high>{_NUMBER}))?"
    rf"(?:\s+|-)(?:(?:more|further|additional|weitere|supplémentaires?)\s+)?(?P<unit>{_UNIT})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Duration:
    """A duration found in text: calendar days, the unit and the words as written."""

    days: int
    unit: str
    text: str
    start: int


def _number(token: str) -> float | None:
    token = token.strip().lower()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None


def _unit_kind(unit: str) -> str:
    for pattern, kind in _UNITS:
        if re.fullmatch(pattern, unit, re.IGNORECASE):
            return kind
    return "day"


def find_durations(sentence: str) -> list[Duration]:
    """Every duration in ``sentence``, in order; a range gives its upper end."""
    found: list[Duration] = []
    for match in _DURATION.finditer(sentence):
        low = _number(match["low"])
        high = _number(match["high"]) if match["high"] else None
        amount = max(v for v in (low, high) if v is not None) if low is not None else None
        if amount is None or amount <= 0 or amount > 400:
            continue
        kind = _unit_kind(match["unit"])
        days = math.ceil(amount * _UNIT_DAYS[kind] - 1e-9)
        found.append(Duration(days, kind, match.group(0), match.start()))
    return found


__all__ = ["NUMBER_WORDS", "Duration", "find_durations"]
