"""Master-data value objects: suppliers, items, offers, contracts, lanes and FX rates.

They are what the importers build from CSV/XLSX rows, what the store keeps and what the
agents read. Quantities and money are ``Decimal``; dates are calendar dates; ids are
strings. Columns a file carries beyond the documented ones are kept in ``extra``.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from procureflow.domain.emissions import TransportMode as TransportModeEnum
from procureflow.domain.emissions import default_intensity

TransportMode = Literal["road", "rail", "sea", "inland_waterway", "air"]


class Certification(BaseModel):
    """A certificate a supplier holds (ISO 9001, IATF 16949, ...) and the day it expires."""

    model_config = ConfigDict(frozen=True)

    name: str
    expiry: date

    def is_valid_on(self, day: date) -> bool:
        """True while the certificate has not expired on ``day`` (valid through its expiry)."""
        return day <= self.expiry

    def __str__(self) -> str:
        return f"{self.name}@{self.expiry.isoformat()}"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)

    extra: dict[str, str] = Field(default_factory=dict)


class Supplier(_Record):
    """A supplier, how to recognise its mail (``email_domains``) and its vetting facts."""

    supplier_id: str
    name: str
    email_domains: tuple[str, ...] = ()
    location: str
    country: str
    approved: bool
    esg_score: Decimal
    altman_z: Decimal
    certifications: tuple[Certification, ...] = ()
    payment_terms: str

    def owns_domain(self, domain: str) -> bool:
        """True when mail from ``domain`` (or one of its sub-domains) comes from this supplier."""
        domain = domain.lower().rstrip(".")
        return any(domain == d or domain.endswith("." + d) for d in self.email_domains)


class Item(_Record):
    """A part the plant consumes, with the stock facts the impact projection needs."""

    sku: str
    description: str
    category: str
    critical: bool
    unit: str
    unit_weight_kg: Decimal
    on_hand: Decimal
    safety_stock: Decimal
    daily_demand: Decimal


class Offer(_Record):
    """A supplier's standing offer for an item: price, lead time, capacity, minimum order."""

    supplier_id: str
    sku: str
    unit_price: Decimal
    currency: str
    lead_time_days: int
    capacity_per_week: Decimal
    min_order_qty: Decimal


class Contract(_Record):
    """A framework contract with a supplier, with its liquidated-damages clause.

    ``ld_rate_pct_per_week`` and ``ld_cap_pct`` are ``None`` when the contract has no
    such clause.
    """

    contract_id: str
    supplier_id: str
    title: str
    category: str
    value: Decimal
    currency: str
    start_date: date
    end_date: date
    payment_terms: str
    ld_rate_pct_per_week: Decimal | None = None
    ld_cap_pct: Decimal | None = None

    def is_active_on(self, day: date) -> bool:
        """True when ``day`` falls within the contract term (both ends included)."""
        return self.start_date <= day <= self.end_date


class Lane(_Record):
    """One leg of the freight network between two UN/LOCODEs by one mode.

    ``co2e_kg_per_tkm`` is ``None`` when the file left it empty: the mode's documented
    default factor applies then.
    """

    origin: str
    destination: str
    mode: TransportMode
    cost_per_kg: Decimal
    transit_days: int
    co2e_kg_per_tkm: Decimal | None = None

    def co2e_factor(self) -> Decimal:
        """kg CO2e per tonne-km: the lane's own figure, else the mode's documented default."""
        if self.co2e_kg_per_tkm is not None:
            return self.co2e_kg_per_tkm
        return default_intensity(TransportModeEnum(self.mode))


class FxRate(_Record):
    """How many units of the base currency one unit of ``currency`` buys on ``date``."""

    currency: str
    rate_to_base: Decimal
    date: dt.date


MasterRecord = Supplier | Item | Offer | Contract | Lane | FxRate

__all__ = [
    "Certification",
    "Contract",
    "FxRate",
    "Item",
    "Lane",
    "MasterRecord",
    "Offer",
    "Supplier",
    "TransportMode",
]
