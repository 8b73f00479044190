"""The sourcing MILP: split a shortfall across approved alternative suppliers.

Data: demands per SKU (quantity, need-by date) and offers per (supplier, SKU) with unit
price, lead time, transit time, weekly capacity, minimum order quantity (MOQ), CO2e and
risk per unit.

An offer may reach the plant by several routes (sea, air, road …): each offer × route is
a candidate of its own, with that route's transit days, freight and CO2e. The routes of
one offer share its capacity and MOQ, and the objective is linear per unit, so the
optimum ships an offer's units by its cheapest-scoring route that arrives in time; the
other routes of that offer are dominated and left out exactly (:func:`formulate_sku`).

Per eligible offer *j* (approved, not excluded, ``lead time + transit ≤ days to need``):

* ``x_j`` — units ordered, ``0 ≤ x_j ≤ C_j`` where ``C_j = ⌊capacity per week ×
  days to need / 7⌋`` (capacity accrues day by day until the need date);
* ``y_j`` — binary "supplier used for this SKU", only when ``MOQ_j > 1``:
  ``MOQ_j·y_j ≤ x_j ≤ C_j·y_j``. Offers with ``C_j < MOQ_j`` cannot be used at all and
  are left out, as are offers arriving after the need date.

Per SKU *k*: ``Σ_j x_j + s_k ≥ D_k`` with shortfall ``0 ≤ s_k ≤ D_k``. Ordering more
than the demand is allowed (a MOQ may force it) and costs what it costs.

Objective (minimise):
``Σ_j x_j·(w_cost·ĉ_j + w_carbon·ê_j + w_risk·r_j + w_lead·l̂_j) + Σ_k P·s_k``
where ``ĉ``, ``ê`` and ``l̂`` are the landed unit cost (price in base currency + freight
per unit), the CO2e per unit and the days to arrival, each divided by its largest value
among the SKU's eligible offers (so each term lies in [0, 1] and the weights compare
like with like), ``r`` is the supplier's risk in [0, 1] and ``P = 10 × Σ w`` makes any
supply preferable to a shortfall.

Lateness: when nothing can arrive by the need date, a demand may carry ``latest_by`` (the
last day an order still helps, e.g. the day before the delayed goods land). Candidates
arriving between the need date and then are eligible at a priced penalty of
``Σ w × days late / days between need date and latest_by`` per unit — so among late
options the less late wins unless it costs much more, and any supply still beats none. Offers that a bound test proves useless are left out
(:mod:`procureflow.domain.sourcing_pruning`). The solver-neutral model is built here;
solving it is an adapter's job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.linear_model import LinearModel
from procureflow.domain.money import Money
from procureflow.domain.sourcing_pruning import BoundOffer, prunable
from procureflow.errors import InvalidInput

SHORTFALL_PENALTY_FACTOR = 10.0


class ObjectiveWeights(BaseModel):
    """Weights of cost, carbon and risk in the sourcing objective (from the mandate)."""

    model_config = ConfigDict(frozen=True)

    cost: float = Field(default=0.0, ge=0)
    carbon: float = Field(default=0.0, ge=0)
    risk: float = Field(default=0.0, ge=0)
    lead_time: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> ObjectiveWeights:
        if self.total <= 0:
            raise InvalidInput(
                "objective weights: at least one of cost, carbon, risk, lead_time must be > 0"
            )
        return self

    @property
    def total(self) -> float:
        """Sum of the weights."""
        return self.cost + self.carbon + self.risk + self.lead_time

    @classmethod
    def from_mandate(cls, weights: Mapping[str, float]) -> ObjectiveWeights:
        """The weights of a mandate (``cost``, ``carbon``, ``risk``, ``lead_time``); others ignored."""
        known = ("cost", "carbon", "risk", "lead_time")
        return cls(**{key: float(weights.get(key, 0.0)) for key in known})


class SkuDemand(BaseModel):
    """Units of one SKU needed by a date."""

    model_config = ConfigDict(frozen=True)

    sku: str
    quantity: int = Field(gt=0)
    need_by: date
    latest_by: date | None = Field(
        default=None,
        description="Last useful arrival when nothing is in time; lateness is penalised",
    )


def check_one_demand_per_sku(demands: list[SkuDemand]) -> None:
    """Refuse two demand lines for one SKU: which need date would count is ambiguous."""
    seen: set[str] = set()
    for demand in demands:
        key = demand.sku.upper()
        if key in seen:
            raise InvalidInput(
                f"demand for SKU {demand.sku} is listed twice; give one line per SKU"
            )
        seen.add(key)


class SourcingOffer(BaseModel):
    """One supplier's offer for one SKU, with logistics figures per unit when known."""

    model_config = ConfigDict(frozen=True)

    supplier_id: str
    sku: str
    unit_price: Decimal = Field(ge=0)
    currency: str
    lead_time_days: int = Field(ge=0)
    capacity_per_week: Decimal = Field(ge=0)
    min_order_qty: int = Field(default=0, ge=0)
    transit_days: int = Field(default=0, ge=0)
    freight_per_unit: Decimal = Field(default=Decimal(0), ge=0)
    co2e_kg_per_unit: Decimal = Field(default=Decimal(0), ge=0)
    risk_score: float = Field(default=0.0, ge=0, le=1)
    approved: bool = True
    route: str = ""  # how the goods travel, e.g. "CNSZX → DEFRA (air) …"; empty: not routed
    route_modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreparedOffer:
    """An offer with the figures the model and the diagnosis need."""

    offer: SourcingOffer
    unit_price: Money  # price alone, in base currency
    unit_cost: Money  # landed (price + freight), in base currency
    arrival_days: int
    window_capacity: int
    days_to_need: int
    days_to_deadline: int = -1  # latest useful arrival; -1: the need date itself

    @property
    def deadline_days(self) -> int:
        """Days to the latest acceptable arrival (the need date unless lateness is allowed)."""
        return self.days_to_deadline if self.days_to_deadline >= 0 else self.days_to_need

    @property
    def meets_need_date(self) -> bool:
        """Arrives (lead time + transit) by the latest acceptable date."""
        return self.arrival_days <= self.deadline_days

    @property
    def days_late(self) -> int:
        """Days after the need date it arrives (0 when in time)."""
        return max(0, self.arrival_days - self.days_to_need)

    @property
    def usable_capacity(self) -> bool:
        """Can make at least its MOQ (and at least one unit) by the need date."""
        return self.window_capacity >= max(self.offer.min_order_qty, 1)


class SourcingProblem(BaseModel):
    """Everything the MILP needs; money is compared in ``fx``'s base currency."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    demands: list[SkuDemand]
    offers: list[SourcingOffer]
    weights: ObjectiveWeights = ObjectiveWeights(cost=1.0)
    as_of: date
    fx: FxTable

    @model_validator(mode="after")
    def _one_demand_per_sku(self) -> SourcingProblem:
        check_one_demand_per_sku(self.demands)
        return self

    def prepared(self) -> list[PreparedOffer]:
        """Offers for demanded SKUs with landed cost, arrival and capacity to the need date."""
        need = {d.sku: d for d in self.demands}
        result = []
        for offer in self.offers:
            demand = need.get(offer.sku)
            if demand is None:
                continue
            days = (demand.need_by - self.as_of).days
            latest = (demand.latest_by - self.as_of).days if demand.latest_by else -1
            price = self.fx.to_base(Money(offer.unit_price, offer.currency.upper()))
            capacity = offer.capacity_per_week * max(days, latest, 0) / Decimal(7)
            result.append(
                PreparedOffer(
                    offer=offer,
                    unit_price=price,
                    unit_cost=Money(price.amount + offer.freight_per_unit, price.currency),
                    arrival_days=offer.lead_time_days + offer.transit_days,
                    window_capacity=int(capacity),
                    days_to_need=days,
                    days_to_deadline=max(latest, days) if latest >= 0 else -1,
                )
            )
        return result


@dataclass
class FormulatedModel:
    """The model of one SKU plus what each column means, to read a solution back."""

    demand: SkuDemand
    model: LinearModel
    quantity_columns: dict[int, PreparedOffer]  # column → offer
    shortfall_column: int
    pruned_offers: int = 0


def is_eligible(offer: PreparedOffer, excluded: frozenset[str]) -> bool:
    """May the MILP order from this offer: approved, not excluded, on time, enough capacity."""
    return (
        offer.offer.approved
        and offer.offer.supplier_id not in excluded
        and offer.meets_need_date
        and offer.usable_capacity
    )


def lateness_penalty(offer: PreparedOffer, weights: ObjectiveWeights) -> float:
    """Per-unit penalty for arriving after the need date (0 when in time).

    Arriving at the latest acceptable date costs as much as the whole weighted objective
    of a unit (``Σ w``); less late costs proportionally less.
    """
    if offer.days_late <= 0:
        return 0.0
    span = max(offer.deadline_days - offer.days_to_need, 1)
    return weights.total * offer.days_late / span


def _normaliser(values: list[float]) -> float:
    largest = max(values, default=0.0)
    return largest if largest > 0 else 1.0


def formulate_sku(
    demand: SkuDemand,
    eligible: list[PreparedOffer],
    weights: ObjectiveWeights,
    *,
    integer_quantities: bool = False,
) -> FormulatedModel:
    """The block of the MILP for one SKU over its eligible offers.

    Quantities may be continuous: with the binaries fixed, what is left is one demand
    row over bounded columns with integer data — a totally unimodular system whose
    vertex optima are whole units. The caller re-solves with ``integer_quantities``
    should a solver ever return a fractional quantity.
    """
    penalty = SHORTFALL_PENALTY_FACTOR * weights.total
    model = LinearModel()
    quantity_columns: dict[int, PreparedOffer] = {}
    cost_scale = _normaliser([float(o.unit_cost.amount) for o in eligible])
    carbon_scale = _normaliser([float(o.offer.co2e_kg_per_unit) for o in eligible])
    lead_scale = _normaliser([float(o.arrival_days) for o in eligible])
    scored = [
        (
            weights.cost * float(o.unit_cost.amount) / cost_scale
            + weights.carbon * float(o.offer.co2e_kg_per_unit) / carbon_scale
            + weights.risk * o.offer.risk_score
            + weights.lead_time * float(o.arrival_days) / lead_scale
            + lateness_penalty(o, weights),
            o,
        )
        for o in eligible
    ]
    # The routes of one offer share its capacity and MOQ: only its best-scoring route
    # can carry units at the optimum, so the others are dropped (exactly, not heuristically).
    best_route: dict[tuple[str, str], tuple[float, PreparedOffer]] = {}
    for coefficient, prepared in scored:
        key = (prepared.offer.supplier_id, prepared.offer.sku)
        if key not in best_route or coefficient < best_route[key][0]:
            best_route[key] = (coefficient, prepared)
    kept = [best_route[key] for key in sorted(best_route)]
    coefficients = [c for c, _ in kept]
    eligible = [o for _, o in kept]
    bounds = [
        BoundOffer(c, o.window_capacity, o.offer.min_order_qty)
        for c, o in zip(coefficients, eligible, strict=True)
    ]
    pruned = prunable(bounds, demand.quantity, penalty)
    terms: list[tuple[int, float]] = []
    for prepared, coefficient, drop in zip(eligible, coefficients, pruned, strict=True):
        if drop:
            continue
        offer = prepared.offer
        name = f"{offer.supplier_id}|{offer.sku}"
        upper = float(prepared.window_capacity)
        x = model.add_column(f"qty[{name}]", coefficient, 0.0, upper, integer=integer_quantities)
        quantity_columns[x] = prepared
        terms.append((x, 1.0))
        if offer.min_order_qty > 1:
            y = model.add_column(f"use[{name}]", 0.0, 0.0, 1.0, integer=True)
            model.add_row(f"cap[{name}]", [(x, 1.0), (y, -upper)], -math.inf, 0.0)
            moq = float(offer.min_order_qty)
            model.add_row(f"moq[{name}]", [(x, 1.0), (y, -moq)], 0.0, math.inf)
    shortfall = model.add_column(f"short[{demand.sku}]", penalty, 0.0, float(demand.quantity))
    terms.append((shortfall, 1.0))
    model.add_row(f"demand[{demand.sku}]", terms, float(demand.quantity), math.inf)
    return FormulatedModel(demand, model, quantity_columns, shortfall, sum(pruned))


def formulate(
    problem: SourcingProblem, offers: list[PreparedOffer], excluded: frozenset[str]
) -> list[FormulatedModel]:
    """The MILP of the module docstring, as one independent block per demanded SKU.

    No constraint couples two SKUs, so the blocks are solved one by one and the sum of
    their optima is the optimum of the whole model — several times faster than one solve.
    """
    by_sku: dict[str, list[PreparedOffer]] = {}
    for offer in offers:
        if is_eligible(offer, excluded):
            by_sku.setdefault(offer.offer.sku, []).append(offer)
    return [
        formulate_sku(demand, by_sku.get(demand.sku, []), problem.weights)
        for demand in problem.demands
    ]


__all__ = [
    "FormulatedModel",
    "ObjectiveWeights",
    "PreparedOffer",
    "SkuDemand",
    "SourcingOffer",
    "SourcingProblem",
    "check_one_demand_per_sku",
    "formulate",
    "formulate_sku",
    "is_eligible",
    "lateness_penalty",
]
