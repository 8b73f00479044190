"""CO2e = tonnes × km × intensity; distances from UN/LOCODE coordinates; default factors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.emissions import (
    TransportMode,
    default_intensity,
    great_circle_km,
    leg_emissions_kg,
    parse_mode,
    planning_distance_km,
)
from procureflow.domain.lanes import Lane, cost_route
from procureflow.domain.locodes import coordinates, parse_locode_coordinates
from procureflow.errors import InvalidInput

FX = FxTable("EUR", {"USD": "0.92"})


def test_leg_emissions_are_tonnes_times_km_times_factor() -> None:
    # 4.85 t over 19,000 km at 0.016 kg/tkm
    assert leg_emissions_kg(Decimal("4850"), Decimal("19000"), Decimal("0.016")) == Decimal(
        "1474.4"
    )


def test_locode_coordinates_are_read_with_hemispheres() -> None:
    assert parse_locode_coordinates("5333N 00958E") == pytest.approx((53.55, 9.9667), abs=1e-3)
    lat, lon = parse_locode_coordinates("2357S 04620W")
    assert lat < 0 and lon < 0
    with pytest.raises(InvalidInput, match="ddmm"):
        parse_locode_coordinates("53.5N 9.9E")


def test_great_circle_between_hamburg_and_munich() -> None:
    # About 612 km as the crow flies.
    assert Decimal(600) < great_circle_km("DEHAM", "DEMUC") < Decimal(625)
    assert great_circle_km("DEHAM", "DEMUC") == great_circle_km("DEMUC", "DEHAM")


def test_planning_distance_adjusts_per_mode() -> None:
    gcd = great_circle_km("USCHI", "DEFRA")
    assert planning_distance_km("USCHI", "DEFRA", TransportMode.AIR) == gcd + 95
    assert planning_distance_km("DEHAM", "DEMUC", TransportMode.ROAD) == (
        great_circle_km("DEHAM", "DEMUC") * Decimal("1.2")
    ).quantize(Decimal("0.1"))


def test_unknown_locode_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="XXABC"):
        coordinates("XXABC")


def test_modes_by_name_and_synonym() -> None:
    assert parse_mode("truck") is TransportMode.ROAD
    assert parse_mode("Inland waterway") is TransportMode.INLAND_WATERWAY
    with pytest.raises(InvalidInput, match="teleport"):
        parse_mode("teleport")


def test_empty_lane_factor_falls_back_to_the_mode_default() -> None:
    lane = Lane.model_validate(
        {
            "origin": "NLRTM",
            "destination": "DEHAM",
            "mode": "road",
            "cost_per_kg": "0.09",
            "transit_days": "2",
            "co2e_kg_per_tkm": "",
            "distance_km": "480",
        }
    )
    route = cost_route([lane], Decimal(1000), FX)
    assert route.legs[0].intensity_is_default
    assert route.co2e_kg == Decimal("480") * default_intensity(TransportMode.ROAD)


def test_route_totals_sum_the_legs_with_the_lane_factor_when_given() -> None:
    road = Lane(
        origin="FRLYS",
        destination="DEHAM",
        mode=TransportMode.ROAD,
        cost_per_kg=Decimal("0.09"),
        transit_days=Decimal(2),
        co2e_kg_per_tkm=Decimal("0.075"),
        distance_km=Decimal(1150),
    )
    sea = Lane(
        origin="USNYC",
        destination="FRLYS",
        mode=TransportMode.SEA,
        cost_per_kg=Decimal("0.30"),
        transit_days=Decimal(12),
        distance_km=Decimal(6000),
        currency="USD",
    )
    route = cost_route([sea, road], Decimal(2000), FX)
    # freight: 2000 × 0.30 USD × 0.92 + 2000 × 0.09 EUR
    assert route.cost.amount == Decimal("552.00") + Decimal("180.00")
    # CO2e: 2 t × 6000 km × 0.016 + 2 t × 1150 km × 0.075
    assert route.co2e_kg == Decimal("192.000") + Decimal("172.500")
    assert route.transit_days == 14
    assert route.modes == ["sea", "road"]
