"""Money as a Decimal amount with an ISO 4217 currency: never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from procureflow.errors import InvalidInput

_MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3, "TND": 3}


def to_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Parse a number given as text, int or Decimal; floats go through ``str`` to keep digits."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidInput(f"{field} must be a number, not a boolean")
    try:
        return (
            Decimal(str(value).strip().replace(",", ""))
            if isinstance(value, str)
            else Decimal(str(value))
        )
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{field} is not a number: {value!r}") from exc


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Arithmetic across currencies is refused."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise InvalidInput(f"currency must be a 3-letter ISO 4217 code, got {self.currency!r}")

    @classmethod
    def of(cls, amount: object, currency: str) -> Money:
        """Build from any numeric representation; the currency is upper-cased."""
        return cls(to_decimal(amount), currency.strip().upper())

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * Decimal(factor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def rounded(self) -> Money:
        """Rounded half-up to the currency's minor unit (2 decimals unless known otherwise)."""
        places = _MINOR_UNITS.get(self.currency, 2)
        quantum = Decimal(1).scaleb(-places)
        return Money(self.amount.quantize(quantum, rounding=ROUND_HALF_UP), self.currency)

    def to_json(self) -> dict[str, str]:
        """A JSON-safe form: the amount as a string so no digit is lost."""
        return {"amount": str(self.amount), "currency": self.currency}

    def __str__(self) -> str:
        return f"{self.rounded().amount} {self.currency}"


__all__ = ["Money", "to_decimal"]
