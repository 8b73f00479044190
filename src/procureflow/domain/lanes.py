"""Freight lanes between UN/LOCODEs and the cost, time and CO2e of shipping over them.

A lane is one leg a carrier offers: origin, destination, mode, price per kg, transit days
and optionally its own CO2e intensity and distance. Shipping ``w`` kg over a lane costs
``w × cost_per_kg``, takes ``transit_days`` and emits ``w/1000 × km × intensity`` kg
CO2e (see :mod:`procureflow.domain.emissions` for defaults and distances). A route is a
chain of lanes; its totals are the sums of its legs.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.emissions import (
    TransportMode,
    default_intensity,
    leg_emissions_kg,
    parse_mode,
    planning_distance_km,
)
from procureflow.domain.money import Money


class Lane(BaseModel):
    """One carrier leg; ``currency`` empty means the base currency."""

    model_config = ConfigDict(frozen=True)

    origin: str
    destination: str
    mode: TransportMode
    cost_per_kg: Decimal = Field(ge=0)
    transit_days: Decimal = Field(ge=0)
    co2e_kg_per_tkm: Decimal | None = Field(default=None, ge=0)
    distance_km: Decimal | None = Field(default=None, ge=0)
    currency: str | None = None

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: object) -> object:
        return parse_mode(value) if isinstance(value, str) else value

    @field_validator("origin", "destination")
    @classmethod
    def _locode(cls, value: str) -> str:
        return value.replace(" ", "").upper()

    @field_validator("co2e_kg_per_tkm", "distance_km", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    def intensity(self) -> Decimal:
        """The lane's kg CO2e per tonne-km, or the mode's documented default."""
        if self.co2e_kg_per_tkm is not None:
            return self.co2e_kg_per_tkm
        return default_intensity(self.mode)

    def distance(self) -> Decimal:
        """The lane's distance, or the planning distance from the coordinates."""
        if self.distance_km is not None:
            return self.distance_km
        return planning_distance_km(self.origin, self.destination, self.mode)


class RouteLeg(BaseModel):
    """One costed leg of a route for a given shipment weight."""

    model_config = ConfigDict(frozen=True)

    origin: str
    destination: str
    mode: TransportMode
    distance_km: Decimal
    transit_days: Decimal
    cost: Money
    co2e_kg: Decimal
    intensity_kg_per_tkm: Decimal
    intensity_is_default: bool


class Route(BaseModel):
    """A chain of legs from an origin to a destination, with its totals."""

    model_config = ConfigDict(frozen=True)

    origin: str
    destination: str
    weight_kg: Decimal
    legs: list[RouteLeg]
    cost: Money
    transit_days: Decimal
    co2e_kg: Decimal
    distance_km: Decimal

    @property
    def modes(self) -> list[str]:
        """The modes in travel order, e.g. ``['road', 'sea', 'road']``."""
        return [leg.mode.value for leg in self.legs]

    def summary(self) -> str:
        """One line a buyer can read: path, modes, cost, days, CO2e."""
        path = " → ".join([self.origin, *(leg.destination for leg in self.legs)])
        return (
            f"{path} ({'/'.join(self.modes)}): {self.cost}, {self.transit_days} days, "
            f"{self.co2e_kg.quantize(Decimal('0.1'))} kg CO2e"
        )


def cost_leg(lane: Lane, weight_kg: Decimal, fx: FxTable) -> RouteLeg:
    """Cost, time and CO2e of shipping ``weight_kg`` over ``lane``, money in fx's base."""
    price = Money(weight_kg * lane.cost_per_kg, lane.currency or fx.base_currency)
    distance = lane.distance()
    intensity = lane.intensity()
    return RouteLeg(
        origin=lane.origin,
        destination=lane.destination,
        mode=lane.mode,
        distance_km=distance,
        transit_days=lane.transit_days,
        cost=fx.to_base(price),
        co2e_kg=leg_emissions_kg(weight_kg, distance, intensity),
        intensity_kg_per_tkm=intensity,
        intensity_is_default=lane.co2e_kg_per_tkm is None,
    )


def cost_route(lanes: list[Lane], weight_kg: Decimal, fx: FxTable) -> Route:
    """The totals of shipping ``weight_kg`` along consecutive ``lanes``."""
    legs = [cost_leg(lane, weight_kg, fx) for lane in lanes]
    total = fx.zero()
    for leg in legs:
        total = total + leg.cost
    return Route(
        origin=lanes[0].origin,
        destination=lanes[-1].destination,
        weight_kg=weight_kg,
        legs=legs,
        cost=total,
        transit_days=sum((leg.transit_days for leg in legs), Decimal(0)),
        co2e_kg=sum((leg.co2e_kg for leg in legs), Decimal(0)),
        distance_km=sum((leg.distance_km for leg in legs), Decimal(0)),
    )


__all__ = ["Lane", "Route", "RouteLeg", "cost_leg", "cost_route"]
