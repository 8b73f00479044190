"""Sourcing agent: ranked plans splitting a shortfall across approved alternatives.

It prepares the offers (risk from the supplier's vetting facts, transit days, freight
and CO2e per unit from the lanes when given), solves the sourcing MILP
(:mod:`procureflow.domain.sourcing_model`) with HiGHS, and returns the best plan and
fallbacks, each excluding the previous plans' main suppliers. When the demand cannot be
covered, each short SKU names the binding constraints (capacity, need date, minimum
order quantity, no approved supplier), found by relaxation tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from procureflow.agents.base import (
    Agent,
    AgentOutput,
    Alternative,
    Decision,
    Evidence,
    GuardrailCheck,
)
from procureflow.agents.routing import LanesGraph, NoRoute, RouteWeights
from procureflow.agents.solvers.highs import solve_with_highs
from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.data_gaps import DataGap, merge_gaps
from procureflow.domain.lanes import Lane
from procureflow.domain.sourcing_model import (
    ObjectiveWeights,
    PreparedOffer,
    SkuDemand,
    SourcingOffer,
    SourcingProblem,
    check_one_demand_per_sku,
)
from procureflow.domain.sourcing_plans import SourcingPlan, ranked_plans
from procureflow.domain.vetting import SupplierProfile, supplier_risk_score


class OfferInput(BaseModel):
    """A supplier's offer as master data gives it; logistics figures optional."""

    model_config = ConfigDict(frozen=True)

    supplier_id: str
    sku: str
    unit_price: Decimal = Field(ge=0)
    currency: str
    lead_time_days: int = Field(ge=0)
    capacity_per_week: Decimal = Field(ge=0)
    min_order_qty: int = Field(default=0, ge=0)
    transit_days: int | None = Field(default=None, ge=0)
    freight_per_unit: Decimal | None = Field(default=None, ge=0)
    co2e_kg_per_unit: Decimal | None = Field(default=None, ge=0)


class SourcingInput(BaseModel):
    """Demand, suppliers, offers and the mandate's weights; lanes optional."""

    demands: list[SkuDemand]
    as_of: date
    suppliers: list[SupplierProfile]
    offers: list[OfferInput]
    weights: ObjectiveWeights = ObjectiveWeights(cost=1.0)
    exclude_suppliers: list[str] = Field(
        default_factory=list,
        description="Suppliers never to use: the disrupted one, declined, failed vetting",
    )
    base_currency: str = "EUR"
    fx_rates: dict[str, Decimal] = Field(default_factory=dict)
    max_plans: int = Field(default=3, ge=1, le=10)
    lanes: list[Lane] = Field(default_factory=list)
    plant_location: str | None = None
    unit_weight_kg: dict[str, Decimal] = Field(default_factory=dict)
    route_weights: RouteWeights | None = None
    reference_unit_prices: dict[str, Decimal] = Field(
        default_factory=dict, description="Current price per SKU in base currency"
    )
    max_price_increase_pct: Decimal | None = None
    max_lead_time_days: int | None = Field(
        default=None, ge=0, description="Mandate bound: days from order to arrival at the plant"
    )

    @model_validator(mode="after")
    def _one_demand_per_sku(self) -> SourcingInput:
        check_one_demand_per_sku(self.demands)
        return self


class RejectedOffer(BaseModel):
    """An offer the MILP could not use, and why."""

    supplier_id: str
    sku: str
    reason: str


class SourcingOutput(AgentOutput):
    """Ranked plans (best first), the offers left out with their reasons, and the
    reference data that was missing (each gap dropped an offer or a lane, not the plan)."""

    plans: list[SourcingPlan]
    fully_covered: bool
    rejected_offers: list[RejectedOffer] = Field(default_factory=list)
    data_gaps: list[DataGap] = Field(default_factory=list)


ROUTES_PER_CRITERION = 3
"""How many shortest routes per offer are tried by cost and by transit time each."""


@dataclass(frozen=True)
class _RouteFigures:
    """Transit days, freight and CO2e per unit of one route of one offer."""

    label: str
    modes: tuple[str, ...]
    transit_days: int
    freight: Decimal
    co2e: Decimal


def _route_options(
    graph: LanesGraph, origin: str, plant: str, weight: Decimal, mandate: RouteWeights
) -> list[_RouteFigures]:
    """The k cheapest and k fastest routes (and the mandate's best), each once.

    One cost-weighted route per offer hid every faster mode: an offer that only air or
    road could bring by the need date looked late, and the plan escalated "no
    alternative" or arrived after the stock-out. Trying both orderings lets the MILP
    trade freight for time against the need date.
    """
    found: dict[tuple[tuple[str, str, str], ...], _RouteFigures] = {}
    for weights, limit in (
        (RouteWeights(cost=1.0), ROUTES_PER_CRITERION),
        (RouteWeights(time=1.0), ROUTES_PER_CRITERION),
        (mandate, 1),
    ):
        for scored in graph.routes(origin, plant, weight, weights, limit=limit):
            route = scored.route
            key = tuple((leg.origin, leg.destination, leg.mode.value) for leg in route.legs)
            if key not in found:
                found[key] = _RouteFigures(
                    label=route.summary() if route.legs else "local",
                    modes=tuple(route.modes),
                    transit_days=math.ceil(route.transit_days),
                    freight=route.cost.amount,
                    co2e=route.co2e_kg,
                )
    return list(found.values())


def _logistics(
    data: SourcingInput, fx: FxTable
) -> tuple[dict[tuple[str, str], list[_RouteFigures]], list[RejectedOffer], list[DataGap]]:
    """Every candidate route of each (supplier, SKU) from the lanes, and the lanes' gaps."""
    figures: dict[tuple[str, str], list[_RouteFigures]] = {}
    unroutable: list[RejectedOffer] = []
    if not data.lanes or not data.plant_location:
        return figures, unroutable, []
    graph = LanesGraph(data.lanes, fx)
    locations = {s.supplier_id: s.location for s in data.suppliers}
    weights = data.route_weights or RouteWeights.from_mandate(data.weights.model_dump())
    for offer in data.offers:
        origin = locations.get(offer.supplier_id)
        weight = data.unit_weight_kg.get(offer.sku, Decimal(1))
        if not origin:
            continue
        try:
            options = _route_options(graph, origin, data.plant_location, weight, weights)
        except NoRoute as exc:
            unroutable.append(
                RejectedOffer(supplier_id=offer.supplier_id, sku=offer.sku, reason=str(exc))
            )
            continue
        figures[(offer.supplier_id, offer.sku)] = options
    return figures, unroutable, list(graph.gaps)


def _unpriced(data: SourcingInput, fx: FxTable) -> tuple[list[RejectedOffer], list[DataGap]]:
    """Offers in a currency without an FX rate: left out, each a gap to fix."""
    rejected = []
    gaps = []
    known = set(fx.currencies())
    for offer in data.offers:
        currency = offer.currency.upper()
        if currency in known:
            continue
        reason = f"no FX rate from {currency} to {fx.base_currency}: the offer cannot be priced"
        rejected.append(RejectedOffer(supplier_id=offer.supplier_id, sku=offer.sku, reason=reason))
        gaps.append(
            DataGap(
                kind="fx_rate",
                key=currency,
                message=f"no FX rate from {currency} to {fx.base_currency}",
                dropped=f"offer {offer.supplier_id} for {offer.sku}",
            )
        )
    return rejected, gaps


def build_problem(data: SourcingInput) -> tuple[SourcingProblem, list[RejectedOffer]]:
    """The MILP's data from the agent's input: risk, approval and logistics per offer."""
    problem, rejected, _ = build_problem_with_gaps(data)
    return problem, rejected


def build_problem_with_gaps(
    data: SourcingInput,
) -> tuple[SourcingProblem, list[RejectedOffer], list[DataGap]]:
    """:func:`build_problem`, and the reference data that was missing.

    Every offer × route is a candidate; an offer that cannot be priced (no FX rate) or a
    lane that cannot be measured is left out and reported, never fatal to the rest.
    """
    fx = FxTable(data.base_currency, data.fx_rates)
    suppliers = {s.supplier_id: s for s in data.suppliers}
    unpriced, gaps = _unpriced(data, fx)
    figures, unroutable, lane_gaps = _logistics(data, fx)
    rejected = unpriced + unroutable
    left_out = {(r.supplier_id, r.sku) for r in rejected}
    offers = []
    for offer in data.offers:
        supplier = suppliers.get(offer.supplier_id)
        if (offer.supplier_id, offer.sku) in left_out:
            continue
        routes = figures.get((offer.supplier_id, offer.sku)) or [
            _RouteFigures("", (), 0, Decimal(0), Decimal(0))
        ]
        if offer.transit_days is not None:
            routes = routes[:1]
        for route in routes:
            offers.append(
                SourcingOffer(
                    supplier_id=offer.supplier_id,
                    sku=offer.sku,
                    unit_price=offer.unit_price,
                    currency=offer.currency,
                    lead_time_days=offer.lead_time_days,
                    capacity_per_week=offer.capacity_per_week,
                    min_order_qty=offer.min_order_qty,
                    transit_days=(
                        offer.transit_days if offer.transit_days is not None else route.transit_days
                    ),
                    freight_per_unit=(
                        offer.freight_per_unit
                        if offer.freight_per_unit is not None
                        else route.freight
                    ),
                    co2e_kg_per_unit=(
                        offer.co2e_kg_per_unit if offer.co2e_kg_per_unit is not None else route.co2e
                    ),
                    risk_score=supplier_risk_score(supplier) if supplier else 1.0,
                    approved=bool(supplier and supplier.approved),
                    route=route.label if offer.transit_days is None else "",
                    route_modes=route.modes if offer.transit_days is None else (),
                )
            )
    problem = SourcingProblem(
        demands=data.demands, offers=offers, weights=data.weights, as_of=data.as_of, fx=fx
    )
    return problem, rejected, merge_gaps(gaps, lane_gaps)


def _offer_rejections(problem: SourcingProblem, excluded: set[str]) -> list[RejectedOffer]:
    rejections = []
    fastest: dict[tuple[str, str], PreparedOffer] = {}
    for prepared in problem.prepared():
        key = (prepared.offer.supplier_id, prepared.offer.sku)
        if key not in fastest or prepared.arrival_days < fastest[key].arrival_days:
            fastest[key] = prepared
    for prepared in fastest.values():
        offer = prepared.offer
        reason = None
        if not offer.approved:
            reason = "supplier is not approved"
        elif offer.supplier_id in excluded:
            reason = "supplier excluded (disrupted, declined or failed vetting)"
        elif not prepared.meets_need_date:
            reason = (
                f"arrives in {prepared.arrival_days} days at the soonest (lead "
                f"{offer.lead_time_days} + transit {offer.transit_days}"
                + (f" by {'/'.join(offer.route_modes)}" if offer.route_modes else "")
                + f"), after the need date in {prepared.deadline_days} days"
            )
        elif not prepared.usable_capacity:
            reason = (
                f"can make {prepared.window_capacity} by the need date, "
                f"less than its minimum order of {offer.min_order_qty}"
            )
        if reason:
            rejections.append(
                RejectedOffer(supplier_id=offer.supplier_id, sku=offer.sku, reason=reason)
            )
    return rejections


def _describe_plan(plan: SourcingPlan) -> str:
    parts = ", ".join(f"{a.supplier_id} {a.quantity} × {a.sku}" for a in plan.allocations)
    text = f"plan {plan.rank}: {parts or 'nothing can be ordered'}; {plan.cost}"
    if plan.arrival_date:
        text += f", all in by {plan.arrival_date.isoformat()}"
    for short in plan.shortfalls:
        reasons = "; ".join(b.message for b in short.binding)
        text += f"; {short.sku} short {short.shortfall} of {short.demanded} ({reasons})"
    return text


def _plan_alternative(plan: SourcingPlan) -> Alternative:
    return Alternative(
        option=_describe_plan(plan),
        score=round(plan.objective, 6),
        details={
            "score_meaning": "weighted cost/carbon/risk/lead-time objective, lower is better",
            "rank": plan.rank,
            "cost": plan.cost.to_json(),
            "lead_time_days": plan.lead_time_days,
            "co2e_kg": str(plan.co2e_kg),
            "risk_score": plan.risk_score,
            "fully_covered": plan.fully_covered,
            "suppliers": plan.supplier_ids(),
            "excluded_suppliers": plan.excluded_suppliers,
        },
    )


def _guardrails(data: SourcingInput, best: SourcingPlan) -> list[GuardrailCheck]:
    approved = {s.supplier_id for s in data.suppliers if s.approved}
    need = {d.sku: d.need_by for d in data.demands}
    unapproved = sorted({a.supplier_id for a in best.allocations if a.supplier_id not in approved})
    excluded = sorted({a.supplier_id for a in best.allocations} & set(data.exclude_suppliers))
    late = [a for a in best.allocations if a.arrival_date > need[a.sku]]
    checks = [
        GuardrailCheck(
            name="only approved suppliers",
            passed=not unapproved,
            detail=", ".join(unapproved) or f"{len(best.supplier_ids())} approved supplier(s) used",
        ),
        GuardrailCheck(
            name="excluded suppliers not used",
            passed=not excluded,
            detail=", ".join(excluded)
            or f"excluded: {', '.join(data.exclude_suppliers) or 'none'}",
        ),
        GuardrailCheck(
            name="need date met",
            passed=not late,
            detail="; ".join(f"{a.supplier_id} {a.sku} arrives {a.arrival_date}" for a in late)
            or "every allocation arrives by its need date",
        ),
        GuardrailCheck(
            name="demand fully covered",
            passed=best.fully_covered,
            detail="; ".join(f"{s.sku} short {s.shortfall}" for s in best.shortfalls)
            or "all demand covered",
        ),
    ]
    if data.max_lead_time_days is not None:
        slow = [
            a
            for a in best.allocations
            if a.lead_time_days + a.transit_days > data.max_lead_time_days
        ]
        checks.append(
            GuardrailCheck(
                name=f"lead time within {data.max_lead_time_days} days",
                passed=not slow,
                detail="; ".join(
                    f"{a.supplier_id} {a.sku} {a.lead_time_days + a.transit_days} days"
                    for a in slow
                )
                or f"longest {best.lead_time_days} days",
            )
        )
    if data.max_price_increase_pct is not None:
        over = []
        for allocation in best.allocations:
            reference = data.reference_unit_prices.get(allocation.sku)
            if not reference:
                continue
            increase = (allocation.unit_cost.amount - reference) / reference * 100
            if increase > data.max_price_increase_pct:
                over.append(f"{allocation.supplier_id} {allocation.sku} +{increase:.1f}%")
        checks.append(
            GuardrailCheck(
                name=f"unit price increase within {data.max_price_increase_pct}%",
                passed=not over,
                detail="; ".join(over) or "within the bound",
            )
        )
    return checks


class SourcingAgent(Agent[SourcingInput, SourcingOutput]):
    """Splits the shortfall across approved alternatives with a MILP (HiGHS)."""

    name: ClassVar[str] = "sourcing"
    description: ClassVar[str] = (
        "Optimal split of a shortfall across approved alternative suppliers"
    )
    input_model: ClassVar[type[BaseModel]] = SourcingInput
    output_model: ClassVar[type[AgentOutput]] = SourcingOutput

    def decide(self, data: SourcingInput) -> SourcingOutput:
        """Solve for ranked plans and record the choice, alternatives and guardrails."""
        problem, unroutable, gaps = build_problem_with_gaps(data)
        excluded = set(data.exclude_suppliers)
        plans = ranked_plans(
            problem, solve_with_highs, max_plans=data.max_plans, excluded=frozenset(excluded)
        )
        best = plans[0]
        rejected = unroutable + _offer_rejections(problem, excluded)
        alternatives = [_plan_alternative(plan) for plan in plans] + [
            Alternative(option=f"{r.supplier_id} for {r.sku}", rejected_because=r.reason)
            for r in rejected
        ]
        weights = data.weights
        late = [a for a in best.allocations if a.days_late > 0]
        lateness = (
            " Nothing could arrive by the need date: later arrivals were allowed up to the "
            "last useful day at a priced lateness penalty (Σ weights × days late / days "
            "allowed, per unit); "
            + "; ".join(f"{a.supplier_id} {a.sku} {a.days_late} day(s) late" for a in late)
            + "."
            if late
            else ""
        )
        routed = sorted(
            {f"{a.supplier_id} {a.sku} by {a.route}" for a in best.allocations if a.route}
        )
        gap_note = (
            " Left out for missing reference data: "
            + "; ".join(f"{g.dropped} ({g.message})" for g in gaps)
            + "."
            if gaps
            else ""
        )
        decision = Decision(
            agent=self.name,
            choice=_describe_plan(best),
            alternatives=alternatives,
            guardrails=_guardrails(data, best),
            evidence=[
                Evidence(
                    source="offers",
                    excerpt=(
                        f"{a.supplier_id} {a.sku} {a.unit_price} lead {a.lead_time_days} d "
                        f"transit {a.transit_days} d"
                    ),
                )
                for a in best.allocations
            ],
            rationale=(
                f"MILP optimum (HiGHS, gap 0) with weights cost {weights.cost:g}, carbon "
                f"{weights.carbon:g}, risk {weights.risk:g}, lead time {weights.lead_time:g}; "
                f"{len(plans)} plan(s), each next one without the previous main supplier. "
                f"Each offer was tried by its {ROUTES_PER_CRITERION} cheapest and "
                f"{ROUTES_PER_CRITERION} fastest routes against the need date"
                + (f" ({'; '.join(routed)})" if routed else "")
                + "."
                + lateness
                + gap_note
            ),
        )
        return SourcingOutput(
            decision=decision,
            plans=plans,
            fully_covered=best.fully_covered,
            rejected_offers=rejected,
            data_gaps=gaps,
        )


__all__ = [
    "OfferInput",
    "RejectedOffer",
    "SourcingAgent",
    "SourcingInput",
    "SourcingOutput",
    "build_problem",
    "build_problem_with_gaps",
]
