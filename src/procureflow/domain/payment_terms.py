"""Payment terms: parse "2/10 net 30" and friends, and do the date and discount maths.

Accounts payable writes terms in many shapes ("NET30", "2% 10 days net 30",
"payable within thirty days", "2/10 n/30"); every shape ends as one
:class:`PaymentTerms` value, so due dates and discount decisions are computed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from procureflow.errors import InvalidInput

DAYS_PER_YEAR = Decimal(365)

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_NUMBER_WORD = re.compile(
    r"\b(?:(?P<tens>" + "|".join(_TENS) + r")(?:[\s-]+(?P<unit>" + "|".join(_UNITS) + r"))?"
    r"|(?P<single>" + "|".join(_UNITS) + r")"
    r"|(?P<hundred>one hundred(?: and)?(?: twenty)?))\b"
)
_PARENTHESISED_DIGITS = re.compile(r"\(\s*(\d+)\s*\)")
_NUM = r"(\d+(?:\.\d+)?)"
_INT = r"(\d{1,4})"
_DAYS = r"\s*(?:calendar\s+|business\s+)?(?:days?|d)?"

# Discount forms, most specific first; each yields (pct, discount_days, net_days).
_DISCOUNT_PATTERNS = (
    # 2/10 net 30, 2/10 n/30, 2/10, net 30, 2 / 10 net 30 days
    re.compile(rf"{_NUM}\s*%?\s*/\s*{_INT}\s*,?\s*(?:net|n)\s*/?\s*{_INT}"),
    # 2% 10 days net 30, 2% 10, net 30, 2 % within 10 days, net 30
    re.compile(
        rf"{_NUM}\s*%\s*(?:discount\s+)?(?:(?:if\s+)?(?:paid\s+)?(?:within|in)\s+)?{_INT}{_DAYS}"
        rf"[\s,;.]*(?:otherwise\s+|else\s+|or\s+)?(?:(?:the\s+)?full\s+amount\s+|balance\s+)?"
        rf"(?:net|n|due|payable)\s*(?:in|within)?\s*/?\s*{_INT}"
    ),
)
# Net forms; each yields net_days.
_NET_PATTERNS = (
    re.compile(rf"\b(?:net|n)\s*/?\s*-?\s*{_INT}\b"),
    re.compile(rf"\b{_INT}{_DAYS}\s*net\b"),
    re.compile(
        rf"\b(?:payable|due|paid|payment)\b[^0-9]{{0,40}}?(?:within|in|after)\s+{_INT}{_DAYS}"
    ),
    re.compile(rf"\b{_INT}\s*(?:calendar\s+|business\s+)?days?\b"),
)
# A discount stated without its net period: "2 % discount if paid within 2 days".
_DISCOUNT_ONLY_PATTERNS = (
    (
        re.compile(rf"{_NUM}\s*%\s*discount\s+(?:if\s+)?(?:paid\s+)?(?:within|in)\s+{_INT}{_DAYS}"),
        1,
        2,
    ),
    (
        re.compile(
            rf"(?:within|in)\s+{_INT}{_DAYS}[\s,;.:-]*(?:with\s+(?:a\s+)?)?{_NUM}\s*%\s*discount"
        ),
        2,
        1,
    ),
)
# Other languages and units, rewritten to the English forms the patterns read.
_SYNONYMS = (
    (
        re.compile(r"\b(\d+)\s*(?:months?|monate?n?|maand(?:en)?|mois)\b"),
        lambda m: f"{int(m.group(1)) * 30} days",
    ),
    (re.compile(r"\b(?:dagen|dage|tage?n?|jours|d[ií]as|giorni)\b"), lambda _m: "days"),
    (re.compile(r"\b(?:netto|nett|rein)\b"), lambda _m: "net"),
    (re.compile(r"\b(?:skonto|korting|escompte|rabatt|sconto|descuento)\b"), lambda _m: "discount"),
    (re.compile(r"\b(?:zahlbar|betaalbaar|payable|pagadero)\b"), lambda _m: "payable"),
    (re.compile(r"\b(?:innerhalb|binnen|sous|entro|dentro de)\b"), lambda _m: "within"),
    (re.compile(r"\b(?:mit|met|avec|con)\b"), lambda _m: "with"),
)
_IMMEDIATE = re.compile(
    r"\b(?:due\s+(?:up)?on\s+receipt|payable\s+(?:up)?on\s+receipt|immediate(?:ly)?|cash\s+on\s+delivery|cod)\b"
)


@dataclass(frozen=True)
class PaymentTerms:
    """Terms of payment: pay within ``net_days``; optionally ``discount_pct`` % off within ``discount_days``.

    ``discount_pct`` is a percentage (``Decimal("2")`` means 2 %).
    """

    net_days: int
    discount_pct: Decimal | None = None
    discount_days: int | None = None
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.net_days < 0:
            raise InvalidInput(f"payment terms {self.text!r}: net days cannot be negative")
        if (self.discount_pct is None) != (self.discount_days is None):
            raise InvalidInput(
                f"payment terms {self.text!r}: a discount needs both a percentage and days"
            )
        if self.discount_pct is not None and self.discount_days is not None:
            if not Decimal(0) < self.discount_pct < Decimal(100):
                raise InvalidInput(
                    f"payment terms {self.text!r}: discount {self.discount_pct}% must be between 0 and 100"
                )
            if not 0 <= self.discount_days <= self.net_days:
                raise InvalidInput(
                    f"payment terms {self.text!r}: discount period of {self.discount_days} days "
                    f"must not exceed the net period of {self.net_days} days"
                )

    @property
    def has_discount(self) -> bool:
        """True when early payment earns a discount."""
        return self.discount_pct is not None

    def describe(self) -> str:
        """The terms in the usual short notation, e.g. ``2/10 net 30``."""
        if self.discount_pct is not None:
            return f"{self.discount_pct.normalize():f}/{self.discount_days} net {self.net_days}"
        return f"net {self.net_days}"


def _words_to_digits(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("hundred"):
            return "120" if "twenty" in match.group("hundred") else "100"
        if match.group("single"):
            return str(_UNITS[match.group("single")])
        value = _TENS[match.group("tens")]
        if match.group("unit"):
            value += _UNITS[match.group("unit")]
        return str(value)

    return _NUMBER_WORD.sub(replace, text)


def _normalise(text: str) -> str:
    lowered = " ".join(text.lower().replace("\u00a0", " ").split())
    lowered = _words_to_digits(lowered)
    for pattern, replacement in _SYNONYMS:
        lowered = pattern.sub(replacement, lowered)
    # "thirty (30) days" -> "30 days": drop the repeated figure in brackets.
    lowered = re.sub(r"\b(\d+)\s*\(\s*\1\s*\)", r"\1", lowered)
    lowered = _PARENTHESISED_DIGITS.sub(r"\1", lowered)
    return lowered.replace("per cent", "%").replace("percent", "%")


def _net_days(text: str) -> int | None:
    for pattern in _NET_PATTERNS:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def _discount_only(
    original: str, normalised: str, default_net_days: int | None
) -> PaymentTerms | None:
    for pattern, pct_group, days_group in _DISCOUNT_ONLY_PATTERNS:
        match = pattern.search(normalised)
        if match is None:
            continue
        pct, days = Decimal(match.group(pct_group)), int(match.group(days_group))
        rest = normalised[: match.start()] + " " + normalised[match.end() :]
        net = _net_days(rest)
        if net is None or net < days:
            net = default_net_days
        if net is None:
            raise InvalidInput(
                f"payment terms {original!r} state a {pct}% discount within {days} days "
                "but no net period"
            )
        return PaymentTerms(net_days=net, discount_pct=pct, discount_days=days, text=original)
    return None


def parse_payment_terms(text: str, *, default_net_days: int | None = None) -> PaymentTerms:
    """Read payment terms written in words or digits into :class:`PaymentTerms`.

    Accepts "net 30", "NET30", "2/10 net 30", "2% 10 days net 30", "30 days net",
    "payable within thirty days", "2/10 n/30", "due on receipt", "14 dagen netto",
    "30 Tage netto", "within one month". A discount stated without a net period ("2 %
    discount if paid within 2 days") takes ``default_net_days`` (e.g. from the invoice's
    due date) and is refused without it. Raises
    :class:`InvalidInput` naming the text when no terms can be read from it.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("payment terms are empty", subject="payment terms")
    normalised = _normalise(text)
    for pattern in _DISCOUNT_PATTERNS:
        match = pattern.search(normalised)
        if match:
            try:
                pct = Decimal(match.group(1))
            except InvalidOperation as exc:  # pragma: no cover - the regex admits digits only
                raise InvalidInput(f"cannot read payment terms {text!r}") from exc
            return PaymentTerms(
                net_days=int(match.group(3)),
                discount_pct=pct,
                discount_days=int(match.group(2)),
                text=text,
            )
    discounted = _discount_only(text, normalised, default_net_days)
    if discounted is not None:
        return discounted
    net = _net_days(normalised)
    if net is not None:
        return PaymentTerms(net_days=net, text=text)
    if _IMMEDIATE.search(normalised):
        return PaymentTerms(net_days=0, text=text)
    raise InvalidInput(f"cannot read payment terms {text!r}")


def due_date(invoice_date: date, terms: PaymentTerms) -> date:
    """The last day to pay the full amount: invoice date plus the net days."""
    return invoice_date + timedelta(days=terms.net_days)


def discount_date(invoice_date: date, terms: PaymentTerms) -> date | None:
    """The last day to pay with the early-payment discount, or None when there is none."""
    if terms.discount_days is None:
        return None
    return invoice_date + timedelta(days=terms.discount_days)


def annualised_discount_rate(terms: PaymentTerms) -> Decimal | None:
    """The yearly interest the discount is worth, as a fraction (0.3724 = 37.24 %).

    Paying early gives up ``net - discount`` days of credit to save ``pct``; the
    equivalent simple rate is ``pct / (100 - pct) * 365 / (net - discount)``. None when
    there is no discount; when both dates coincide the discount is free money, and the
    rate is reported as infinite-like ``Decimal('Infinity')``.
    """
    if terms.discount_pct is None or terms.discount_days is None:
        return None
    fraction = terms.discount_pct / Decimal(100)
    days_given_up = terms.net_days - terms.discount_days
    if days_given_up <= 0:
        return Decimal("Infinity")
    return fraction / (Decimal(1) - fraction) * DAYS_PER_YEAR / Decimal(days_given_up)


__all__ = [
    "PaymentTerms",
    "annualised_discount_rate",
    "discount_date",
    "due_date",
    "parse_payment_terms",
]
