"""Best freight routes over the lanes graph (networkx), by cost, time and carbon weights.

Every lane becomes its own node between origin and destination, so that two lanes
between the same places (sea and air, say) stay distinct and ``shortest_simple_paths``
can list the next-best routes. A lane's weight is the weighted sum of three per-kg
figures, each divided by its largest value over all lanes so that the weights compare
like with like:

    w_cost · cost_per_kg / max + w_time · transit_days / max + w_carbon · kgCO2e_per_kg / max

Cost and CO2e grow linearly with the shipment weight, so the best route does not depend
on it; the returned routes are costed for the actual weight.

A lane that cannot be measured — its currency has no FX rate, or it gives no distance
and one of its UN/LOCODEs has no coordinates — is left out of the graph and listed in
``gaps``: one bad row must not stop routing over every other lane.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import islice
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.data_gaps import DataGap
from procureflow.domain.lanes import Lane, Route, cost_route
from procureflow.domain.locodes import has_coordinates
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput


class RouteWeights(BaseModel):
    """How much cost, transit time and carbon count when choosing a route."""

    model_config = ConfigDict(frozen=True)

    cost: float = Field(default=0.0, ge=0)
    time: float = Field(default=0.0, ge=0)
    carbon: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> RouteWeights:
        if self.cost + self.time + self.carbon <= 0:
            raise InvalidInput("route weights: at least one of cost, time, carbon must be > 0")
        return self

    @classmethod
    def from_mandate(cls, weights: Mapping[str, float]) -> RouteWeights:
        """Route weights from a mandate's ``cost``, ``carbon`` and ``transit_time``.

        ``time`` or, failing those, ``lead_time`` stand for the transit-time weight.
        """
        time_weight = weights.get(
            "transit_time", weights.get("time", weights.get("lead_time", 0.0))
        )
        return cls(
            cost=float(weights.get("cost", 0.0)),
            time=float(time_weight),
            carbon=float(weights.get("carbon", 0.0)),
        )


class ScoredRoute(BaseModel):
    """A costed route and its weighted score (lower is better)."""

    model_config = ConfigDict(frozen=True)

    route: Route
    score: float


class NoRoute(InvalidInput):
    """No chain of lanes joins the origin to the destination; the message says why."""


class LanesGraph:
    """The lanes as a directed graph, ready to answer best-route questions."""

    def __init__(self, lanes: Iterable[Lane], fx: FxTable) -> None:
        self.fx = fx
        self.lanes: list[Lane] = []
        self.gaps: list[DataGap] = []
        self._graph = nx.DiGraph()
        self._graphs: dict[RouteWeights, tuple[Any, dict[tuple[object, object], float]]] = {}
        self._paths: dict[tuple[str, str, RouteWeights, int], list[tuple[list[Lane], float]]] = {}
        per_kg = []
        for lane in lanes:
            figures = self._measured(lane)
            if figures is not None:
                self.lanes.append(lane)
                per_kg.append(figures)
        self._scales = tuple(max((figures[i] for figures in per_kg), default=0.0) for i in range(3))
        for index, (lane, figures) in enumerate(zip(self.lanes, per_kg, strict=True)):
            node = ("lane", index)
            self._graph.add_edge(("at", lane.origin), node, figures=figures)
            self._graph.add_edge(node, ("at", lane.destination), figures=(0.0, 0.0, 0.0))

    def _measured(self, lane: Lane) -> tuple[float, float, float] | None:
        """The lane's per-kg figures, or None (and a gap) when reference data is missing."""
        name = f"lane {lane.origin}→{lane.destination} by {lane.mode.value}"
        currency = (lane.currency or self.fx.base_currency).upper()
        if currency not in self.fx.currencies():
            self.gaps.append(
                DataGap(
                    kind="fx_rate",
                    key=currency,
                    message=f"no FX rate from {currency} to {self.fx.base_currency}",
                    dropped=name,
                )
            )
            return None
        try:
            return self._per_kg(lane)
        except InvalidInput as exc:
            unknown = [c for c in (lane.origin, lane.destination) if not has_coordinates(c)]
            self.gaps.append(
                DataGap(
                    kind="locode",
                    key=unknown[0] if unknown else lane.origin,
                    message=str(exc),
                    dropped=name,
                )
            )
            return None

    def _per_kg(self, lane: Lane) -> tuple[float, float, float]:
        cost = self.fx.to_base(
            Money(lane.cost_per_kg, lane.currency or self.fx.base_currency)
        ).amount
        carbon = lane.distance() * lane.intensity() / Decimal(1000)
        return (float(cost), float(lane.transit_days), float(carbon))

    def _edge_weight(self, weights: RouteWeights) -> dict[tuple[object, object], float]:
        result = {}
        for u, v, data in self._graph.edges(data=True):
            figures = data["figures"]
            score = 0.0
            for weight, figure, scale in zip(
                (weights.cost, weights.time, weights.carbon), figures, self._scales, strict=True
            ):
                if scale > 0:
                    score += weight * figure / scale
            result[(u, v)] = score
        return result

    def routes(
        self,
        origin: str,
        destination: str,
        weight_kg: Decimal,
        weights: RouteWeights,
        *,
        limit: int = 3,
    ) -> list[ScoredRoute]:
        """Up to ``limit`` routes from ``origin`` to ``destination``, best first.

        Raises :class:`NoRoute` naming the reason when there is none.
        """
        origin, destination = _code(origin), _code(destination)
        if origin == destination:
            return [ScoredRoute(route=_local_route(origin, weight_kg, self.fx), score=0.0)]
        self._explain_missing(origin, destination)
        return [
            ScoredRoute(route=cost_route(lanes, weight_kg, self.fx), score=score)
            for lanes, score in self._best_paths(origin, destination, weights, limit)
        ]

    def _best_paths(
        self, origin: str, destination: str, weights: RouteWeights, limit: int
    ) -> list[tuple[list[Lane], float]]:
        """Lane chains by score; cached, as the ranking does not depend on the weight shipped."""
        key = (origin, destination, weights, limit)
        if key not in self._paths:
            graph, edge_weights = self._scored(weights)
            paths = nx.shortest_simple_paths(graph, ("at", origin), ("at", destination), "score")
            found = []
            for path in islice(paths, limit):
                lanes = [self.lanes[node[1]] for node in path if node[0] == "lane"]
                score = sum(edge_weights[(a, b)] for a, b in zip(path, path[1:], strict=False))
                found.append((lanes, score))
            self._paths[key] = found
        return self._paths[key]

    def _scored(self, weights: RouteWeights) -> tuple[Any, dict[tuple[object, object], float]]:
        if weights not in self._graphs:
            edge_weights = self._edge_weight(weights)
            graph = self._graph.copy()
            nx.set_edge_attributes(graph, edge_weights, "score")
            self._graphs[weights] = (graph, edge_weights)
        return self._graphs[weights]

    def _explain_missing(self, origin: str, destination: str) -> None:
        source, target = ("at", origin), ("at", destination)
        if source not in self._graph or self._graph.out_degree(source) == 0:
            raise NoRoute(
                f"no lane leaves {origin}; add a lane from {origin} to reach {destination}"
            )
        if target not in self._graph or self._graph.in_degree(target) == 0:
            raise NoRoute(f"no lane arrives at {destination}")
        if not nx.has_path(self._graph, source, target):
            reachable = sorted(
                node[1]
                for node in nx.descendants(self._graph, source)
                if node[0] == "at" and node != source
            )
            raise NoRoute(
                f"no chain of lanes from {origin} reaches {destination}; "
                f"from {origin} the lanes reach only {', '.join(reachable) or 'nothing'}"
            )


def _code(locode: str) -> str:
    return locode.replace(" ", "").upper()


def _local_route(location: str, weight_kg: Decimal, fx: FxTable) -> Route:
    return Route(
        origin=location,
        destination=location,
        weight_kg=weight_kg,
        legs=[],
        cost=fx.zero(),
        transit_days=Decimal(0),
        co2e_kg=Decimal(0),
        distance_km=Decimal(0),
    )


__all__ = ["LanesGraph", "NoRoute", "RouteWeights", "ScoredRoute"]
