"""Logistics agent: route choice by weights, freight and CO2e per leg, no-route reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from procureflow.agents.logistics import LogisticsAgent, LogisticsInput, LogisticsOutput
from procureflow.agents.routing import RouteWeights
from procureflow.errors import InvalidInput

LANES: list[dict[str, Any]] = [
    # cheap and slow by sea, direct
    {
        "origin": "CNSZX",
        "destination": "DEHAM",
        "mode": "sea",
        "cost_per_kg": "0.38",
        "transit_days": 36,
        "distance_km": "19000",
    },
    # fast and dear by air to Frankfurt, then road
    {
        "origin": "CNSZX",
        "destination": "DEFRA",
        "mode": "air",
        "cost_per_kg": "4.20",
        "transit_days": 3,
        "distance_km": "9200",
    },
    {
        "origin": "DEFRA",
        "destination": "DEHAM",
        "mode": "road",
        "cost_per_kg": "0.08",
        "transit_days": 1,
        "distance_km": "490",
    },
    # rail: between the two on cost and time, lowest carbon per kg with a clean factor
    {
        "origin": "CNSZX",
        "destination": "DEHAM",
        "mode": "rail",
        "cost_per_kg": "0.95",
        "transit_days": 20,
        "distance_km": "10800",
        "co2e_kg_per_tkm": "0.010",
    },
    {
        "origin": "PLPOZ",
        "destination": "DEHAM",
        "mode": "road",
        "cost_per_kg": "0.11",
        "transit_days": 2,
        "distance_km": "560",
    },
    {
        "origin": "MXMTY",
        "destination": "MXVER",
        "mode": "road",
        "cost_per_kg": "0.07",
        "transit_days": 2,
        "distance_km": "900",
    },
]


def decide(weights: dict[str, float], **extra: Any) -> LogisticsOutput:
    data = LogisticsInput.model_validate(
        {
            "lanes": LANES,
            "shipments": [{"reference": "SUP-HUAXIN", "origin": "CNSZX", "weight_kg": "100"}],
            "plant_location": "DEHAM",
            "weights": weights,
            **extra,
        }
    )
    return LogisticsAgent().decide(data)


def test_cost_weight_chooses_the_sea_lane_with_its_freight_and_co2e() -> None:
    best = decide({"cost": 1}).routes[0].best
    assert best is not None
    assert best.modes == ["sea"]
    assert best.cost.amount == Decimal("38.00")  # 100 kg × 0.38
    assert best.co2e_kg == Decimal("0.1") * 19000 * Decimal("0.016")  # default sea factor


def test_time_weight_chooses_air_then_road() -> None:
    best = decide({"time": 1}).routes[0].best
    assert best is not None
    assert best.modes == ["air", "road"]
    assert best.transit_days == 4
    assert best.cost.amount == Decimal("420.00") + Decimal("8.00")


def test_carbon_weight_chooses_the_lane_with_the_lowest_footprint() -> None:
    best = decide({"carbon": 1}).routes[0].best
    assert best is not None
    # rail 10,800 km × 0.010 beats sea 19,000 km × 0.016 per tonne
    assert best.modes == ["rail"]


def test_decision_lists_every_candidate_route_with_scores_and_guardrails() -> None:
    output = decide({"cost": 0.5, "time": 0.5})
    decision = output.decision
    assert decision.agent == "logistics"
    scored = [a for a in decision.alternatives if a.score is not None]
    assert len(scored) == 3
    assert [a.details["chosen"] for a in scored] == [True, False, False]
    assert scored[0].score is not None and scored[1].score is not None
    assert scored[0].score <= scored[1].score
    assert decision.guardrails[0].name == "every shipment has a route"
    assert decision.guardrails[0].passed


def test_origin_without_lanes_gets_a_clear_reason() -> None:
    data = LogisticsInput.model_validate(
        {
            "lanes": LANES,
            "shipments": [
                {"reference": "SUP-X", "origin": "BRSSZ", "weight_kg": "10"},
                {"reference": "SUP-NORTE", "origin": "MXMTY", "weight_kg": "10"},
            ],
            "plant_location": "DEHAM",
        }
    )
    output = LogisticsAgent().decide(data)
    brazil, mexico = output.routes
    assert brazil.best is None and "no lane leaves BRSSZ" in (brazil.no_route_reason or "")
    assert mexico.best is None
    assert "reach only MXVER" in (mexico.no_route_reason or "")
    assert not output.decision.guardrails[0].passed
    rejected = [a for a in output.decision.alternatives if a.rejected_because]
    assert len(rejected) == 2


def test_supplier_at_the_plant_ships_for_nothing() -> None:
    data = LogisticsInput.model_validate(
        {
            "lanes": LANES,
            "shipments": [{"reference": "LOCAL", "origin": "DEHAM", "weight_kg": "10"}],
            "plant_location": "DEHAM",
        }
    )
    output = LogisticsAgent().decide(data)
    assert output.total_freight.amount == 0
    assert output.routes[0].best is not None and output.routes[0].best.legs == []


def test_lane_prices_in_another_currency_are_converted() -> None:
    lanes = [{**LANES[4], "currency": "PLN"}]
    data = LogisticsInput.model_validate(
        {
            "lanes": lanes,
            "shipments": [{"reference": "SUP-KOWALSKI", "origin": "PLPOZ", "weight_kg": "1000"}],
            "plant_location": "DEHAM",
            "fx_rates": {"PLN": "0.23"},
        }
    )
    output = LogisticsAgent().decide(data)
    assert output.total_freight.amount == Decimal("1000") * Decimal("0.11") * Decimal("0.23")
    assert output.total_freight.currency == "EUR"


def test_weights_must_not_all_be_zero() -> None:
    with pytest.raises(InvalidInput, match="at least one"):
        RouteWeights(cost=0, time=0, carbon=0)


def test_agent_runs_on_plain_json_data() -> None:
    result = LogisticsAgent().run(
        {
            "lanes": LANES,
            "shipments": [{"reference": "A", "origin": "CNSZX", "weight_kg": 50}],
            "plant_location": "DEHAM",
        }
    )
    assert result["total_freight"] == {"amount": "19.00", "currency": "EUR"}


def test_mandate_weights_map_onto_route_weights() -> None:
    weights = RouteWeights.from_mandate({"cost": 0.5, "transit_time": 0.3, "carbon": 0.2})
    assert (weights.cost, weights.time, weights.carbon) == (0.5, 0.3, 0.2)
    assert RouteWeights.from_mandate({"cost": 1, "lead_time": 2}).time == 2
