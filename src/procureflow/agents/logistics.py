"""Logistics agent: the best freight route from each alternative's origin to the plant.

Input: the lanes (UN/LOCODE legs with mode, price per kg, transit days, optional CO2e
intensity and distance), the shipments to route (reference, origin, weight), the plant,
the mandate's weights of cost, time and carbon, and fx rates to the base currency.
Output: per shipment the best route and the runners-up, each with freight cost (weight
× cost/kg per leg), transit days and CO2e (tonnes × km × intensity per leg) — or the
reason no route exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from procureflow.agents.base import (
    Agent,
    AgentOutput,
    Alternative,
    Decision,
    Evidence,
    GuardrailCheck,
)
from procureflow.agents.routing import LanesGraph, NoRoute, RouteWeights, ScoredRoute
from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.lanes import Lane, Route
from procureflow.domain.money import Money


class Shipment(BaseModel):
    """Goods to move from ``origin`` to the plant; ``reference`` names it (e.g. a supplier)."""

    model_config = ConfigDict(frozen=True)

    reference: str
    origin: str
    weight_kg: Decimal = Field(gt=0)
    modes: list[str] = Field(
        default_factory=list,
        description="The modes sourcing planned (e.g. ['air']); that route is taken when it exists",
    )


class LogisticsInput(BaseModel):
    """Everything the logistics agent decides on."""

    lanes: list[Lane]
    shipments: list[Shipment]
    plant_location: str
    weights: RouteWeights = RouteWeights(cost=1.0)
    base_currency: str = "EUR"
    fx_rates: dict[str, Decimal] = Field(default_factory=dict)
    routes_per_shipment: int = Field(default=3, ge=1, le=10)
    max_transit_days: Decimal | None = None


class ShipmentRoute(BaseModel):
    """The chosen route of one shipment, its runners-up, or why there is none."""

    reference: str
    origin: str
    weight_kg: Decimal
    best: Route | None = None
    alternatives: list[ScoredRoute] = Field(default_factory=list)
    no_route_reason: str | None = None


class LogisticsOutput(AgentOutput):
    """Routes per shipment and the totals of the chosen ones."""

    routes: list[ShipmentRoute]
    total_freight: Money
    total_co2e_kg: Decimal
    longest_transit_days: Decimal


def route_shipments(data: LogisticsInput) -> list[ShipmentRoute]:
    """Best routes for every shipment; a missing route is reported, not raised."""
    fx = FxTable(data.base_currency, data.fx_rates)
    graph = LanesGraph(data.lanes, fx)
    results = []
    for shipment in data.shipments:
        try:
            scored = graph.routes(
                shipment.origin,
                data.plant_location,
                shipment.weight_kg,
                data.weights,
                limit=data.routes_per_shipment,
            )
            scored = _planned_first(graph, shipment, data, scored)
        except NoRoute as exc:
            results.append(
                ShipmentRoute(
                    reference=shipment.reference,
                    origin=shipment.origin,
                    weight_kg=shipment.weight_kg,
                    no_route_reason=str(exc),
                )
            )
            continue
        results.append(
            ShipmentRoute(
                reference=shipment.reference,
                origin=shipment.origin,
                weight_kg=shipment.weight_kg,
                best=scored[0].route,
                alternatives=scored,
            )
        )
    return results


def _planned_first(
    graph: LanesGraph, shipment: Shipment, data: LogisticsInput, scored: list[ScoredRoute]
) -> list[ScoredRoute]:
    """The route sourcing planned on first, so freight is priced for the mode the plan's
    arrival date relies on (air to meet the need date is not re-routed by sea)."""
    if not shipment.modes:
        return scored
    candidates = list(scored)
    for weights in (RouteWeights(cost=1.0), RouteWeights(time=1.0)):
        candidates += graph.routes(
            shipment.origin, data.plant_location, shipment.weight_kg, weights, limit=3
        )
    planned = next((c for c in candidates if c.route.modes == shipment.modes), None)
    if planned is None:
        return scored
    return [planned] + [c for c in scored if c.route.modes != shipment.modes]


def _alternatives(routes: list[ShipmentRoute]) -> list[Alternative]:
    options = []
    for result in routes:
        if result.best is None:
            options.append(
                Alternative(
                    option=f"{result.reference}: {result.origin} → plant",
                    rejected_because=result.no_route_reason,
                )
            )
            continue
        for rank, scored in enumerate(result.alternatives, start=1):
            route = scored.route
            options.append(
                Alternative(
                    option=f"{result.reference}: {route.summary()}",
                    score=round(scored.score, 6),
                    details={
                        "score_meaning": "weighted cost/time/carbon, lower is better",
                        "rank": rank,
                        "chosen": rank == 1,
                        "freight": route.cost.to_json(),
                        "transit_days": str(route.transit_days),
                        "co2e_kg": str(route.co2e_kg),
                        "modes": route.modes,
                    },
                )
            )
    return options


class LogisticsAgent(Agent[LogisticsInput, LogisticsOutput]):
    """Chooses freight routes by the mandate's weights and reports cost, time and CO2e."""

    name: ClassVar[str] = "logistics"
    description: ClassVar[str] = "Freight route, cost, transit time and CO2e per alternative"
    input_model: ClassVar[type[BaseModel]] = LogisticsInput
    output_model: ClassVar[type[AgentOutput]] = LogisticsOutput

    def decide(self, data: LogisticsInput) -> LogisticsOutput:
        """Route every shipment and record the choice with its alternatives."""
        routes = route_shipments(data)
        chosen = [r.best for r in routes if r.best is not None]
        total = Money(Decimal(0), data.base_currency.upper())
        for route in chosen:
            total = total + route.cost
        co2e = sum((route.co2e_kg for route in chosen), Decimal(0))
        longest = max((route.transit_days for route in chosen), default=Decimal(0))
        missing = [r for r in routes if r.best is None]
        guardrails = [
            GuardrailCheck(
                name="every shipment has a route",
                passed=not missing,
                detail="; ".join(f"{r.reference}: {r.no_route_reason}" for r in missing),
            )
        ]
        if data.max_transit_days is not None:
            slow = [r for r in chosen if r.transit_days > data.max_transit_days]
            guardrails.append(
                GuardrailCheck(
                    name=f"transit within {data.max_transit_days} days",
                    passed=not slow,
                    detail="; ".join(route.summary() for route in slow),
                )
            )
        choice = (
            "; ".join(f"{r.reference}: {r.best.summary()}" for r in routes if r.best is not None)
            or "no route"
        )
        defaults = sorted(
            {leg.mode.value for route in chosen for leg in route.legs if leg.intensity_is_default}
        )
        rationale = (
            f"Routes chosen by weights cost {data.weights.cost:g}, time {data.weights.time:g}, "
            f"carbon {data.weights.carbon:g}; total freight {total}, {co2e.quantize(Decimal('0.1'))} kg CO2e."
        )
        if defaults:
            rationale += f" Default CO2e intensities used for: {', '.join(defaults)}."
        decision = Decision(
            agent=self.name,
            choice=choice,
            alternatives=_alternatives(routes),
            guardrails=guardrails,
            evidence=[
                Evidence(
                    source="lanes",
                    excerpt=f"{lane.origin}→{lane.destination} {lane.mode.value} {lane.cost_per_kg}/kg {lane.transit_days} d",
                )
                for route in chosen
                for lane in data.lanes
                if any(
                    leg.origin == lane.origin
                    and leg.destination == lane.destination
                    and leg.mode == lane.mode
                    for leg in route.legs
                )
            ],
            rationale=rationale,
        )
        return LogisticsOutput(
            decision=decision,
            routes=routes,
            total_freight=total,
            total_co2e_kg=co2e,
            longest_transit_days=longest,
        )


__all__ = [
    "LogisticsAgent",
    "LogisticsInput",
    "LogisticsOutput",
    "Shipment",
    "ShipmentRoute",
    "route_shipments",
]
