"""Calendar dates in mail text, and which of them is the new and which the original date.

Numeric dates (``2026-12-07``, ``07.12.2026``, ``07/12/2026``) are read day-first, as
European buyers write them, unless the first number cannot be a month and the second
can (``12/31/2026``). Written-out dates ("1 December 2026", "December 1, 2026",
"15. März 2027", "7 décembre 2026", also without a year) are parsed with dateparser in
the mail's language. A calendar week ("KW 51", "CW 51/2026", "week 51", "semaine 51")
stands for the Friday of that ISO week: goods promised "in week 51" may come on its last
working day. A date is *original* or *new* by the nearest marker word before it
in its sentence ("originally", "scheduled", "statt", "initialement prévu" / "new",
"estimated", "auf den", "désormais"). Bare "to", "auf", "now" mark nothing ("scheduled to
ship on D1" is the old date); only between an original date and the next one ("from D1 to
D2", "von KW 49 auf KW 51") does such a word make the next one new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

import dateparser

from procureflow.agents.extraction.lexicon import NEW_DATE_MARKERS, ORIGINAL_DATE_MARKERS

DateRole = Literal["original", "new", "other"]

_MONTHS = (
    r"jan(?:uary|uar|vier)?|janv|feb(?:ruary|ruar)?|févr?(?:ier)?|fevr?(?:ier)?|"
    r"m(?:ar(?:ch)?|är(?:z)?|ärz|ars)|apr(?:il)?|avr(?:il)?|ma[iy]|mai|june?|juni|juin|"
    r"july?|juli|juil(?:let)?|aug(?:ust)?|août|aout|sep(?:t(?:ember|embre)?)?|"
    r"o[ck]t(?:ober|obre)?|nov(?:ember|embre)?|de[cz](?:ember)?|déc(?:embre)?|dez(?:ember)?"
)
_YEAR = r"(?:\s*,?\s*(?P<year>\d{4}))?"
_PATTERNS = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})(?![\d.]*\d)"),
    re.compile(
        rf"\b(?P<text>(?:\d{{1,2}})(?:st|nd|rd|th|er|\.)?(?:\s+of)?\s+(?:{_MONTHS})\.?{_YEAR})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<text>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?{_YEAR})\b", re.IGNORECASE
    ),
]
_WEEK = re.compile(
    r"\b(?:KW|CW|wk|week|Woche|Kalenderwoche|semaine|sem\.)\s*(?P<week>\d{1,2})"
    r"(?:\s*(?:/|of|-|\s)\s*(?P<year>\d{4}))?\b",
    re.IGNORECASE,
)


_CONNECTOR = re.compile(
    r"\W*(?:to|till|until|->|auf|bis|zum|auf den|au|à|jusqu'au|jusqu’au)\W*(?:the|den|le)?\W*",
    re.IGNORECASE,
)
"""A bare word between an original date and the next one, which is then the new date."""


_TRAILING_ORIGINAL = re.compile(
    r"\W{0,3}(?:\w+\s+)?(?P<marker>geplant|vorgesehen|bestätigt|zugesagt|vereinbart|"
    r"avisiert|as (?:planned|scheduled|confirmed|agreed)|comme prévu)\b",
    re.IGNORECASE,
)
"""An original-date marker right after a date without one before it (verb-final German)."""


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date in a sentence, where it is, and its role."""

    value: date
    text: str
    start: int
    role: DateRole
    marker: str = ""
    """The words that gave the role ("originally", "new", or the connector "to")."""


def _numeric(match: re.Match[str]) -> date | None:
    year = int(match["y"])
    if year < 100:
        year += 2000
    day, month = int(match["d"]), int(match["m"])
    if "-" not in match.group(0) and month > 12 and day <= 12:
        day, month = month, day  # 12/31/2026: only month-first makes sense
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _written(text: str, language: str, base: date) -> date | None:
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "REQUIRE_PARTS": ["day", "month"],
    }
    languages = [language] if language in ("en", "de", "fr") else ["en", "de", "fr"]
    parsed = dateparser.parse(text.replace(" of ", " "), languages=languages, settings=settings)
    if parsed is None and languages != ["en", "de", "fr"]:
        parsed = dateparser.parse(text, languages=["en", "de", "fr"], settings=settings)
    return parsed.date() if parsed else None


def _week(week: int, year_text: str | None, base: date) -> date | None:
    """The Friday of ISO ``week``; without a year, the next such week from ``base``."""
    years = [int(year_text)] if year_text else [base.year, base.year + 1]
    for year in years:
        try:
            friday = date.fromisocalendar(year, week, 5)
        except ValueError:
            continue
        if year_text or friday >= base - timedelta(days=7):
            return friday
    return None


_ADJECTIVE_ORIGINAL = re.compile(
    r"(?:confirmed|planned|scheduled|promised|geplant\w*|bestätigt\w*|prévue?s?|confirmée?s?)$",
    re.IGNORECASE,
)
_ADJECTIVE_REACH = 12


def _role(sentence: str, start: int, previous_end: int) -> tuple[DateRole, str]:
    window = sentence[previous_end:start]
    news = list(NEW_DATE_MARKERS.finditer(window))
    candidates: list[tuple[int, int, DateRole, re.Match[str]]] = [
        (len(window) - m.end(), 0, "original", m) for m in ORIGINAL_DATE_MARKERS.finditer(window)
    ] + [(len(window) - m.end(), 1, "new", m) for m in news]
    if not candidates:
        return "other", ""
    # the nearest marker wins; on a tie the original one (checked first before)
    _, _, role, marker = min(candidates, key=lambda c: (c[0], c[1]))
    if (
        role == "original"
        and _ADJECTIVE_ORIGINAL.match(marker.group(0))
        and any(0 <= marker.start() - n.end() <= _ADJECTIVE_REACH for n in news)
    ):
        role = "new"  # "the new confirmed date", "neuer geplanter Termin"
    return role, marker.group(0)


def mentions_date(sentence: str) -> bool:
    """True when ``sentence`` contains something shaped like a date or a calendar week."""
    return any(p.search(sentence) for p in (*_PATTERNS, _WEEK))


def find_dates(sentence: str, *, language: str, base: date) -> list[FoundDate]:
    """Every date in ``sentence`` in order, with its role; ``base`` anchors dates without a year."""
    spans: list[tuple[int, int, date]] = []
    for index, pattern in enumerate(_PATTERNS):
        for match in pattern.finditer(sentence):
            if any(s <= match.start() < e or s < match.end() <= e for s, e, _ in spans):
                continue
            value = _numeric(match) if index < 2 else _written(match["text"], language, base)
            if value is not None:
                spans.append((match.start(), match.end(), value))
    for match in _WEEK.finditer(sentence):
        if any(s <= match.start() < e for s, e, _ in spans):
            continue
        week_date = _week(int(match["week"]), match["year"], base)
        if week_date is not None:
            spans.append((match.start(), match.end(), week_date))
    spans.sort()
    found: list[FoundDate] = []
    previous_end = 0
    for start, end, value in spans:
        role, marker = _role(sentence, start, previous_end)
        if role == "other":
            after = _TRAILING_ORIGINAL.match(sentence, end)
            if after:  # German puts the verb last: "für den 03.12.2026 vorgesehen"
                role, marker = "original", after["marker"]
        if (
            role == "other"
            and found
            and found[-1].role == "original"
            and _CONNECTOR.fullmatch(sentence[previous_end:start])
        ):
            # "from D1 to D2", "von KW 49 auf KW 51", "du D1 au D2"
            role, marker = "new", sentence[previous_end:start].strip()
        found.append(FoundDate(value, sentence[start:end], start, role, marker))
        previous_end = end
    return found


__all__ = ["DateRole", "FoundDate", "find_dates", "mentions_date"]
