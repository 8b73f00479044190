"""Ranked sourcing plans: solve the MILP, read the split back, exclude, solve again.

Plan 1 is the optimum. Plan 2 is the optimum without plan 1's main supplier (the one
with the largest landed value), plan 3 without the main suppliers of plans 1 and 2, and
so on — so each next plan is a genuinely different fallback when a supplier declines or
fails vetting. SKUs that cannot be fully covered carry a shortfall and the binding
constraints found by :mod:`procureflow.domain.sourcing_diagnosis`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from procureflow.domain.linear_model import Solver, SolverResult, SolverStatus
from procureflow.domain.money import Money
from procureflow.domain.sourcing_diagnosis import BindingConstraint, binding_constraints
from procureflow.domain.sourcing_model import (
    FormulatedModel,
    ObjectiveWeights,
    PreparedOffer,
    SourcingProblem,
    formulate,
    formulate_sku,
)
from procureflow.errors import InvalidInput


class Allocation(BaseModel):
    """Units of one SKU ordered from one supplier, with their cost, timing and CO2e."""

    model_config = ConfigDict(frozen=True)

    supplier_id: str
    sku: str
    quantity: int
    unit_price: Money
    unit_price_base: Money
    unit_cost: Money
    cost: Money
    lead_time_days: int
    transit_days: int
    arrival_date: date
    co2e_kg: Decimal
    risk_score: float
    route: str = ""
    route_modes: list[str] = Field(default_factory=list)
    days_late: int = Field(default=0, description="Days after the need date it arrives")


class SkuShortfall(BaseModel):
    """Units of a SKU the plan cannot supply by the need date, and why."""

    model_config = ConfigDict(frozen=True)

    sku: str
    demanded: int
    covered: int
    shortfall: int
    binding: list[BindingConstraint]


class SourcingPlan(BaseModel):
    """One way to cover the demand; ``objective`` is the weighted score (lower is better)."""

    model_config = ConfigDict(frozen=True)

    rank: int
    allocations: list[Allocation]
    cost: Money
    lead_time_days: int
    arrival_date: date | None
    co2e_kg: Decimal
    risk_score: float
    objective: float
    fully_covered: bool
    shortfalls: list[SkuShortfall] = Field(default_factory=list)
    excluded_suppliers: list[str] = Field(default_factory=list)
    main_supplier: str | None = None
    solve_seconds: float = 0.0

    def supplier_ids(self) -> list[str]:
        """Suppliers receiving an order in this plan, sorted."""
        return sorted({a.supplier_id for a in self.allocations})


def _allocation(prepared: PreparedOffer, quantity: int, as_of: date) -> Allocation:
    offer = prepared.offer
    return Allocation(
        supplier_id=offer.supplier_id,
        sku=offer.sku,
        quantity=quantity,
        unit_price=Money(offer.unit_price, offer.currency.upper()),
        unit_price_base=prepared.unit_price,
        unit_cost=prepared.unit_cost,
        cost=prepared.unit_cost * quantity,
        lead_time_days=offer.lead_time_days,
        transit_days=offer.transit_days,
        arrival_date=as_of + timedelta(days=prepared.arrival_days),
        co2e_kg=offer.co2e_kg_per_unit * quantity,
        risk_score=offer.risk_score,
        route=offer.route,
        route_modes=list(offer.route_modes),
        days_late=prepared.days_late,
    )


def _relaxation_is_feasible(block: FormulatedModel, values: list[float]) -> bool:
    """Does the LP optimum already meet every MOQ with whole units? Then it is the MILP's."""
    for column, prepared in block.quantity_columns.items():
        quantity = values[column]
        if abs(quantity - round(quantity)) > 1e-6:
            return False
        if round(quantity) > 0 and round(quantity) < prepared.offer.min_order_qty:
            return False
    return True


def _solve_block(
    block: FormulatedModel, solver: Solver, weights: ObjectiveWeights
) -> tuple[FormulatedModel, SolverResult]:
    """Solve one SKU's block exactly, as cheaply as the instance allows.

    First the LP relaxation (MOQs dropped): when its optimum orders whole units and
    meets every MOQ it is feasible for the MILP, hence optimal — no branching needed.
    Otherwise the MILP; and should that return a fractional quantity, the MILP with
    integer quantities.
    """
    if block.model.num_integer:
        relaxed = solver(block.model.relaxed())
        if relaxed.status is SolverStatus.OPTIMAL and _relaxation_is_feasible(
            block, relaxed.values
        ):
            return block, relaxed
    result = _optimal(solver, block)
    fractional = any(
        abs(result.values[c] - round(result.values[c])) > 1e-6 for c in block.quantity_columns
    )
    if not fractional:
        return block, result
    integral = formulate_sku(
        block.demand, list(block.quantity_columns.values()), weights, integer_quantities=True
    )
    return integral, _optimal(solver, integral)


def _optimal(solver: Solver, block: FormulatedModel) -> SolverResult:
    result = solver(block.model)
    if result.status is not SolverStatus.OPTIMAL:
        raise InvalidInput(
            f"sourcing model for {block.demand.sku} could not be solved to optimality: "
            f"{result.status.value} ({result.detail})"
        )
    return result


def solve_plan(
    problem: SourcingProblem,
    offers: list[PreparedOffer],
    excluded: frozenset[str],
    solver: Solver,
    rank: int,
) -> SourcingPlan:
    """Solve once with ``excluded`` suppliers left out and read the plan back."""
    allocations = []
    objective = 0.0
    seconds = 0.0
    for block in formulate(problem, offers, excluded):
        block, result = _solve_block(block, solver, problem.weights)
        objective += result.objective or 0.0
        seconds += result.seconds
        for column, prepared in block.quantity_columns.items():
            quantity = round(result.values[column])
            if quantity > 0:
                allocations.append(_allocation(prepared, quantity, problem.as_of))
    allocations.sort(key=lambda a: (a.sku, -a.quantity, a.supplier_id))
    shortfalls = []
    for demand in problem.demands:
        covered = sum(a.quantity for a in allocations if a.sku == demand.sku)
        if covered < demand.quantity:
            sku_offers = [o for o in offers if o.offer.sku == demand.sku]
            shortfalls.append(
                SkuShortfall(
                    sku=demand.sku,
                    demanded=demand.quantity,
                    covered=covered,
                    shortfall=demand.quantity - covered,
                    binding=binding_constraints(demand, sku_offers, excluded),
                )
            )
    cost = problem.fx.zero()
    value_by_supplier: dict[str, Decimal] = {}
    for allocation in allocations:
        cost = cost + allocation.cost
        value_by_supplier[allocation.supplier_id] = (
            value_by_supplier.get(allocation.supplier_id, Decimal(0)) + allocation.cost.amount
        )
    units = sum(a.quantity for a in allocations)
    lead = max((a.lead_time_days + a.transit_days for a in allocations), default=0)
    main = max(value_by_supplier.items(), key=lambda kv: (kv[1], kv[0]))[0] if allocations else None
    return SourcingPlan(
        rank=rank,
        allocations=allocations,
        cost=cost,
        lead_time_days=lead,
        arrival_date=problem.as_of + timedelta(days=lead) if allocations else None,
        co2e_kg=sum((a.co2e_kg for a in allocations), Decimal(0)),
        risk_score=(
            round(sum(a.risk_score * a.quantity for a in allocations) / units, 6) if units else 0.0
        ),
        objective=objective,
        fully_covered=not shortfalls,
        shortfalls=shortfalls,
        excluded_suppliers=sorted(excluded),
        main_supplier=main,
        solve_seconds=seconds,
    )


def ranked_plans(
    problem: SourcingProblem,
    solver: Solver,
    *,
    max_plans: int = 3,
    excluded: frozenset[str] = frozenset(),
) -> list[SourcingPlan]:
    """Best plan first, then the best without each earlier plan's main supplier.

    Stops early when a plan orders nothing (no alternative is left); the first plan is
    always returned, so an uncoverable demand still yields its shortfall and reasons.
    """
    if max_plans < 1:
        raise InvalidInput("max_plans must be at least 1")
    offers = problem.prepared()
    plans: list[SourcingPlan] = []
    left_out = frozenset(excluded)
    for rank in range(1, max_plans + 1):
        plan = solve_plan(problem, offers, left_out, solver, rank)
        if plan.main_supplier is None and plans:
            break
        plans.append(plan)
        if plan.main_supplier is None:
            break
        left_out = left_out | {plan.main_supplier}
    return plans


__all__ = ["Allocation", "SkuShortfall", "SourcingPlan", "ranked_plans", "solve_plan"]
