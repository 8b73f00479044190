"""Transport emissions in the ISO 14083 / GLEC Framework way: tonnes × km × intensity.

For each leg of a route, ``CO2e kg = cargo tonnes × distance km × intensity kg/tkm``, and
a route's emissions are the sum of its legs (ISO 14083:2023 §§ 7–8, GLEC Framework v3
"transport chain elements").

**Default intensities** (well-to-wheel, kg CO2e per tonne-km) — used when a lane gives
none. They are rounded planning values from the UK government's GHG conversion factors
for company reporting (DESNZ/DEFRA 2023, "Freighting goods": average laden HGV, freight
train, average container ship, long-haul air freight without radiative forcing) and sit
within the ranges of the GLEC Framework v3 default values. Carrier-specific figures,
when a lane has them, always win.

**Distances.** A lane may carry its own distance. Otherwise the great-circle distance
between the two UN/LOCODE coordinates (haversine, mean Earth radius 6,371.0088 km) is
taken and adjusted per mode for the path actually travelled: air adds 95 km (EN 16258
Annex E's correction for take-off, landing and holding); road and rail multiply by 1.2
and inland waterways by 1.3 (typical circuity of networks); sea multiplies by 1.15. Sea
lanes around continents can be much longer than that (Shanghai–Hamburg via Suez is
about twice the great circle): give such lanes an explicit distance for reporting.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum

from procureflow.domain.locodes import coordinates
from procureflow.errors import InvalidInput

EARTH_RADIUS_KM = 6371.0088


class TransportMode(StrEnum):
    """Freight modes with a default intensity."""

    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    INLAND_WATERWAY = "inland_waterway"
    AIR = "air"


DEFAULT_INTENSITY_KG_PER_TKM: dict[TransportMode, Decimal] = {
    TransportMode.ROAD: Decimal("0.105"),
    TransportMode.RAIL: Decimal("0.028"),
    TransportMode.SEA: Decimal("0.016"),
    TransportMode.INLAND_WATERWAY: Decimal("0.031"),
    TransportMode.AIR: Decimal("0.602"),
}

_DISTANCE_FACTOR: dict[TransportMode, Decimal] = {
    TransportMode.ROAD: Decimal("1.2"),
    TransportMode.RAIL: Decimal("1.2"),
    TransportMode.SEA: Decimal("1.15"),
    TransportMode.INLAND_WATERWAY: Decimal("1.3"),
    TransportMode.AIR: Decimal("1"),
}
AIR_DISTANCE_ADDITION_KM = Decimal(95)

_ALIASES = {
    "truck": TransportMode.ROAD,
    "lorry": TransportMode.ROAD,
    "hgv": TransportMode.ROAD,
    "train": TransportMode.RAIL,
    "ocean": TransportMode.SEA,
    "ship": TransportMode.SEA,
    "vessel": TransportMode.SEA,
    "barge": TransportMode.INLAND_WATERWAY,
    "inland waterway": TransportMode.INLAND_WATERWAY,
    "waterway": TransportMode.INLAND_WATERWAY,
    "air freight": TransportMode.AIR,
    "plane": TransportMode.AIR,
}


def parse_mode(text: str) -> TransportMode:
    """A mode from its name or a common synonym (``truck`` → road); unknown is an error."""
    key = text.strip().lower().replace("-", " ")
    if key.replace(" ", "_") in TransportMode._value2member_map_:
        return TransportMode(key.replace(" ", "_"))
    if key in _ALIASES:
        return _ALIASES[key]
    known = ", ".join(m.value for m in TransportMode)
    raise InvalidInput(f"unknown transport mode {text!r}; known: {known}")


def default_intensity(mode: TransportMode) -> Decimal:
    """The documented default kg CO2e per tonne-km of ``mode``."""
    return DEFAULT_INTENSITY_KG_PER_TKM[mode]


def great_circle_km(origin: str, destination: str) -> Decimal:
    """Great-circle distance in km between two UN/LOCODEs (haversine), to 0.1 km."""
    lat1, lon1 = coordinates(origin)
    lat2, lon2 = coordinates(destination)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return Decimal(str(round(km, 1)))


def planning_distance_km(origin: str, destination: str, mode: TransportMode) -> Decimal:
    """Distance travelled by ``mode`` between two codes, from the great circle (see module)."""
    gcd = great_circle_km(origin, destination)
    if mode is TransportMode.AIR:
        return gcd + AIR_DISTANCE_ADDITION_KM
    return (gcd * _DISTANCE_FACTOR[mode]).quantize(Decimal("0.1"))


def leg_emissions_kg(
    weight_kg: Decimal, distance_km: Decimal, intensity_kg_per_tkm: Decimal
) -> Decimal:
    """CO2e of one leg: tonnes × km × kg/tkm (ISO 14083 transport activity × intensity)."""
    if weight_kg < 0 or distance_km < 0 or intensity_kg_per_tkm < 0:
        raise InvalidInput("weight, distance and intensity must not be negative")
    return weight_kg / Decimal(1000) * distance_km * intensity_kg_per_tkm


__all__ = [
    "AIR_DISTANCE_ADDITION_KM",
    "DEFAULT_INTENSITY_KG_PER_TKM",
    "TransportMode",
    "default_intensity",
    "great_circle_km",
    "leg_emissions_kg",
    "parse_mode",
    "planning_distance_km",
]
