"""Reading one master-data cell: numbers, dates, flags, UN/LOCODEs, certifications, domains.

Each reader takes the cell text and returns the typed value or raises :class:`CellError`
with a reason a person can act on; the row builder adds the file, row and column.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from procureflow.domain.master.records import Certification
from procureflow.domain.payment_terms import parse_payment_terms
from procureflow.errors import InvalidInput


class CellError(ValueError):
    """A cell whose text cannot be read as the column requires."""


_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TRUE = {"true", "yes", "y", "1", "x", "ja", "oui"}
_FALSE = {"false", "no", "n", "0", "", "nein", "non"}


def reject_formula(text: str) -> None:
    """Refuse a cell a spreadsheet would run as a formula (CSV/formula injection).

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is refused
    unless it is a plain number such as ``-3.5``: such cells are how a file smuggles
    ``=HYPERLINK(...)`` or ``=cmd|...`` into the next person's spreadsheet.
    """
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.match(text.strip()):
        raise CellError(
            f"looks like a spreadsheet formula ({text[:30]!r}): cells starting with "
            "=, +, -, @, tab or CR are refused unless they are plain numbers"
        )


def read_text(text: str) -> str:
    """A required text cell, trimmed."""
    value = text.strip()
    if not value:
        raise CellError("is empty; a value is required")
    return value


def read_id(text: str) -> str:
    """An identifier: letters, digits and ``. _ / -``, at most 100 characters."""
    value = read_text(text)
    if not _ID.match(value):
        raise CellError(f"is not a valid id: {value!r} (letters, digits and . _ / - only)")
    return value


def read_decimal(
    text: str, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    """A decimal number (``.`` as the decimal point, no thousands separators), optionally bounded."""
    value = text.strip()
    if not value:
        raise CellError("is empty; a number is required")
    if not _PLAIN_NUMBER.match(value):
        raise CellError(f"is not a number: {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise CellError(f"is not a number: {value!r}") from exc
    if minimum is not None and number < minimum:
        raise CellError(f"must be at least {minimum}, got {value}")
    if maximum is not None and number > maximum:
        raise CellError(f"must be at most {maximum}, got {value}")
    return number


def read_optional_decimal(text: str, *, minimum: Decimal | None = None) -> Decimal | None:
    """A decimal number, or ``None`` for an empty cell."""
    return read_decimal(text, minimum=minimum) if text.strip() else None


def read_int(text: str, *, minimum: int | None = None) -> int:
    """A whole number (``12`` or ``12.0``), optionally bounded below."""
    number = read_decimal(text)
    if number != number.to_integral_value():
        raise CellError(f"must be a whole number, got {text.strip()}")
    if minimum is not None and number < minimum:
        raise CellError(f"must be at least {minimum}, got {text.strip()}")
    return int(number)


def read_bool(text: str) -> bool:
    """A yes/no flag: true/false, yes/no, y/n, 1/0, x or empty (no)."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(f"is not a yes/no value: {text.strip()!r} (use true or false)")


def read_date(text: str) -> date:
    """An ISO 8601 calendar date, ``YYYY-MM-DD``."""
    value = text.strip()
    if not value:
        raise CellError("is empty; a date YYYY-MM-DD is required")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(f"is not a date YYYY-MM-DD: {value!r}") from None


def read_currency(text: str) -> str:
    """An ISO 4217 currency code, three letters (upper-cased)."""
    value = text.strip().upper()
    if not _CURRENCY.match(value):
        raise CellError(f"is not a 3-letter currency code: {text.strip()!r}")
    return value


def read_country(text: str) -> str:
    """An ISO 3166-1 alpha-2 country code (upper-cased)."""
    value = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise CellError(f"is not a 2-letter country code: {text.strip()!r}")
    return value


def read_locode(text: str) -> str:
    """A UN/LOCODE: 2-letter country and 3-character location, e.g. ``DEHAM`` or ``DE HAM``."""
    value = text.strip().upper().replace(" ", "")
    if not _LOCODE.match(value):
        raise CellError(
            f"is not a UN/LOCODE: {text.strip()!r} (5 characters: country + 3, e.g. DEHAM)"
        )
    return value


def read_email_domains(text: str) -> tuple[str, ...]:
    """``;``-separated mail domains (``acme.example;acme-group.example``), lower-cased."""
    domains: list[str] = []
    for part in text.split(";"):
        domain = part.strip().lower().rstrip(".")
        if not domain:
            continue
        if domain.startswith("@"):
            domain = domain[1:]
        if not _DOMAIN.match(domain):
            raise CellError(f"has an invalid mail domain: {part.strip()!r}")
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)


def read_certifications(text: str) -> tuple[Certification, ...]:
    """``;``-separated certificates ``NAME@YYYY-MM-DD`` (the date is the expiry)."""
    found: list[Certification] = []
    for part in text.split(";"):
        entry = part.strip()
        if not entry:
            continue
        name, at, expiry = entry.rpartition("@")
        if not at or not name.strip():
            raise CellError(f"has a certification without NAME@YYYY-MM-DD: {entry!r}")
        try:
            found.append(Certification(name=name.strip(), expiry=read_date(expiry)))
        except CellError:
            raise CellError(f"has a certification with a bad expiry date: {entry!r}") from None
    return tuple(found)


def read_payment_terms(text: str) -> str:
    """Payment terms such as ``net 60`` or ``2/10 net 30``; kept as written once they parse."""
    value = read_text(text)
    try:
        parse_payment_terms(value)
    except InvalidInput as exc:
        raise CellError(f"is not valid payment terms: {exc}") from None
    return value


__all__ = [
    "CellError",
    "read_bool",
    "read_certifications",
    "read_country",
    "read_currency",
    "read_date",
    "read_decimal",
    "read_email_domains",
    "read_id",
    "read_int",
    "read_locode",
    "read_optional_decimal",
    "read_payment_terms",
    "read_text",
    "reject_formula",
]
