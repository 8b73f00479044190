"""Conversion of Money into a base currency through ``rate_to_base`` figures.

The ``fx`` master data gives, per currency, how many units of the base currency one unit
of it is worth (``amount_in_base = amount × rate_to_base``). Conversion is exact Decimal
arithmetic; rounding happens only when a figure is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from procureflow.domain.money import Money, to_decimal
from procureflow.errors import InvalidInput


class FxTable:
    """Rates to one base currency; the base currency itself converts at 1."""

    def __init__(self, base_currency: str, rates_to_base: Mapping[str, object]) -> None:
        self.base_currency = base_currency.strip().upper()
        self._rates: dict[str, Decimal] = {self.base_currency: Decimal(1)}
        for currency, rate in rates_to_base.items():
            value = to_decimal(rate, field=f"fx rate for {currency}")
            if value <= 0:
                raise InvalidInput(f"fx rate for {currency} must be positive, got {value}")
            self._rates[currency.strip().upper()] = value

    def rate(self, currency: str) -> Decimal:
        """The rate to base of ``currency``; an unknown currency is a clear error."""
        try:
            return self._rates[currency.upper()]
        except KeyError:
            raise InvalidInput(
                f"no fx rate from {currency} to {self.base_currency}; add it to the fx data"
            ) from None

    def to_base(self, money: Money) -> Money:
        """``money`` expressed in the base currency, unrounded."""
        return Money(money.amount * self.rate(money.currency), self.base_currency)

    def zero(self) -> Money:
        """Zero in the base currency, the start of every sum."""
        return Money(Decimal(0), self.base_currency)

    def currencies(self) -> list[str]:
        """Every currency the table can convert, sorted."""
        return sorted(self._rates)


__all__ = ["FxTable"]
