"""Impact of a late delivery on one item's stock: when it runs out, by how much, how bad.

The projection is deliberately simple and explainable: stock falls by ``daily_demand``
each calendar day from ``as_of`` and nothing arrives until the delayed delivery does.

* ``days_of_cover`` = on_hand / daily_demand (``None`` when nothing is consumed).
* ``stock_out_date`` = as_of + ⌊days_of_cover⌋, reported only when it falls before the
  delayed delivery arrives.
* ``safety_stock_breach_date`` = as_of + ⌊(on_hand − safety_stock) / daily_demand⌋ (as_of
  when already at or below safety stock), reported only when before the arrival.
* ``shortfall_qty`` = demand until the arrival − on_hand, at least 0: what must come from
  elsewhere to keep production running. ``shortfall_to_safety_qty`` adds the safety stock
  on top: what restores the buffer as well.
* ``need_by`` = the earlier of the breach and stock-out dates: when a replacement must arrive.

Severity, from the days production would stand still (``stockout_days`` = shortfall /
daily_demand) and the days left before the stock-out:

=========  ==============================================================================
low        safety stock holds until the delivery arrives
medium     safety stock breached, no stock-out
high       a stock-out of less than 14 days, starting 7 days or more from now
critical   a stock-out of 14 days or more, or one starting within 7 days
=========  ==============================================================================

A critical item (``Item.critical``) is raised one level (low → medium, medium → high,
high → critical): a line stop on a critical part costs far more than on a common one.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from procureflow.errors import InvalidInput

CRITICAL_STOCKOUT_DAYS = 14
"""A stock-out lasting this many days or more is critical."""

IMMINENT_STOCKOUT_DAYS = 7
"""A stock-out that starts within this many days of ``as_of`` is critical."""


class Severity(StrEnum):
    """How badly a late delivery hurts production, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for critical: for sorting and maxima."""
        return list(Severity).index(self)

    def raised(self) -> Severity:
        """One level up; critical stays critical."""
        return list(Severity)[min(self.rank + 1, 3)]


class StockPosition(BaseModel):
    """What the plant holds and uses of one item."""

    model_config = ConfigDict(frozen=True)

    sku: str
    on_hand: Decimal
    safety_stock: Decimal
    daily_demand: Decimal
    critical: bool = False


class ImpactProjection(BaseModel):
    """The projected effect of the delay on one item; quantities in the item's unit."""

    model_config = ConfigDict(frozen=True)

    sku: str
    critical: bool
    as_of: date
    arrival_date: date
    delay_days: int
    on_hand: Decimal
    safety_stock: Decimal
    daily_demand: Decimal
    days_of_cover: Decimal | None
    stock_out_date: date | None
    safety_stock_breach_date: date | None
    need_by: date | None
    shortfall_qty: Decimal
    shortfall_to_safety_qty: Decimal
    stockout_days: Decimal
    severity: Severity


def _days_floor(quantity: Decimal, per_day: Decimal) -> int:
    return int((quantity / per_day).to_integral_value(rounding=ROUND_FLOOR))


def project_impact(
    position: StockPosition, *, as_of: date, arrival_date: date, delay_days: int
) -> ImpactProjection:
    """Project stock of ``position`` from ``as_of`` until the delayed delivery on ``arrival_date``.

    ``delay_days`` is carried for the record (how late the delivery is); the arithmetic uses
    ``arrival_date``. Raises InvalidInput for negative stock or demand.
    """
    for name in ("on_hand", "safety_stock", "daily_demand"):
        if getattr(position, name) < 0:
            raise InvalidInput(f"{position.sku}: {name} must not be negative")
    horizon = max((arrival_date - as_of).days, 0)
    demand = position.daily_demand
    on_hand = position.on_hand
    if demand == 0:
        cover: Decimal | None = None
        stock_out = breach = None
        shortfall = safety_gap = Decimal(0)
    else:
        cover = (on_hand / demand).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        need_total = demand * horizon
        shortfall = max(need_total - on_hand, Decimal(0))
        safety_gap = max(need_total + position.safety_stock - on_hand, Decimal(0))
        out_day = _days_floor(on_hand, demand)
        stock_out = as_of + timedelta(days=out_day) if out_day < horizon else None
        above_safety = on_hand - position.safety_stock
        breach_day = 0 if above_safety <= 0 else _days_floor(above_safety, demand)
        breach = as_of + timedelta(days=breach_day) if breach_day < horizon else None
    stockout_days = (
        (shortfall / demand).to_integral_value(rounding=ROUND_CEILING) if demand else Decimal(0)
    )
    severity = _severity(stock_out, breach, stockout_days, as_of)
    if position.critical:
        severity = severity.raised()
    dates = [d for d in (breach, stock_out) if d is not None]
    return ImpactProjection(
        sku=position.sku,
        critical=position.critical,
        as_of=as_of,
        arrival_date=arrival_date,
        delay_days=delay_days,
        on_hand=on_hand,
        safety_stock=position.safety_stock,
        daily_demand=demand,
        days_of_cover=cover,
        stock_out_date=stock_out,
        safety_stock_breach_date=breach,
        need_by=min(dates) if dates else None,
        shortfall_qty=shortfall,
        shortfall_to_safety_qty=safety_gap,
        stockout_days=stockout_days,
        severity=severity,
    )


def _severity(
    stock_out: date | None, breach: date | None, stockout_days: Decimal, as_of: date
) -> Severity:
    if stock_out is None:
        return Severity.MEDIUM if breach is not None else Severity.LOW
    if stockout_days >= CRITICAL_STOCKOUT_DAYS or (stock_out - as_of).days < IMMINENT_STOCKOUT_DAYS:
        return Severity.CRITICAL
    return Severity.HIGH


def worst(severities: list[Severity]) -> Severity | None:
    """The highest severity of several, ``None`` for none."""
    return max(severities, key=lambda s: s.rank) if severities else None


__all__ = [
    "CRITICAL_STOCKOUT_DAYS",
    "IMMINENT_STOCKOUT_DAYS",
    "ImpactProjection",
    "Severity",
    "StockPosition",
    "project_impact",
    "worst",
]
