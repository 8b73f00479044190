"""What a recovery plan is compared with: the payables it replaces and the original route.

The finance agent prices a plan against a baseline: the open POs, plus what the plan's
extra units would have cost from the disrupted supplier (so the extra cost is the
recovery's premium, not its volume). The carbon guardrail compares the plan's CO2e with
shipping the same goods from the disrupted supplier by its best route.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procureflow.agents.disruption_inputs import fx_rates_on, lane_of
from procureflow.agents.finance import Payable
from procureflow.agents.logistics import LogisticsAgent, LogisticsInput, Shipment
from procureflow.agents.routing import RouteWeights
from procureflow.domain.sourcing_plans import SourcingPlan
from procureflow.policies import mandate_for

if TYPE_CHECKING:
    from procureflow.runtime.disruption_planning import PlanningContext


def open_payables(orders: Iterable[Mapping[str, Any]], as_of: date) -> list[Payable]:
    """Baseline payables: every open PO's value, invoiced on its latest need date."""
    payables = []
    for po in orders:
        dates = [date.fromisoformat(line["need_by"]) for line in po["lines"] if line["need_by"]]
        payables.append(
            Payable(
                reference=po["po_number"],
                supplier_id=po["supplier_id"],
                amount=Decimal(po["total"]),
                currency=po["currency"],
                invoice_date=max(dates) if dates else as_of,
                payment_terms=po.get("payment_terms") or "net 30",
            )
        )
    return payables


def delayed_deliveries(
    assessment: Mapping[str, Any], orders: Iterable[Mapping[str, Any]]
) -> dict[str, Any] | None:
    """The value of the deliveries the notice delays: the base liquidated damages are
    charged on, per currency ``{value, currency, po_numbers, source}``.

    The POs the notice names, their lines for the affected SKUs; when it names none (or
    none is stored), the delayed supplier's open lines for those SKUs due before the new
    arrival date — those are the deliveries now late. None when neither is known: the
    framework contract's value is not a stand-in, it would claim damages on goods that
    are not late.
    """
    skus = {str(s).upper() for s in assessment.get("skus") or []}
    named = set(assessment.get("po_numbers") or [])
    supplier = assessment.get("supplier_id")
    arrival = assessment.get("arrival_date")
    orders = list(orders)

    def lines(pos: list[Mapping[str, Any]], due_before: str | None) -> dict[str, Any] | None:
        totals: dict[str, Decimal] = {}
        numbers: dict[str, set[str]] = {}
        for po in pos:
            for line in po["lines"]:
                if skus and (line.get("sku") or "").upper() not in skus:
                    continue
                if due_before and line.get("need_by") and line["need_by"] >= due_before:
                    continue
                amount = Decimal(line["quantity"]) * Decimal(line["unit_price"])
                totals[po["currency"]] = totals.get(po["currency"], Decimal(0)) + amount
                numbers.setdefault(po["currency"], set()).add(po["po_number"])
        if not totals:
            return None
        currency = max(totals, key=lambda c: (totals[c], c))  # one currency: the main one
        return {
            "value": str(totals[currency].quantize(Decimal("0.01"))),
            "currency": currency,
            "po_numbers": sorted(numbers[currency]),
        }

    found = lines([po for po in orders if po["po_number"] in named], None) if named else None
    if found is not None:
        return {**found, "source": "named_po"}
    own = [po for po in orders if po.get("supplier_id") == supplier]
    found = lines(own, str(arrival) if arrival else None) if supplier else None
    if found is not None:
        return {**found, "source": "supplier_open_lines_due_before_the_new_date"}
    return None


def replaced_amounts(
    plan: SourcingPlan, orders: Iterable[Mapping[str, Any]], po_numbers: Iterable[str]
) -> dict[str, Decimal]:
    """How much leaves each delayed PO: the plan's quantity per SKU at the PO's price."""
    wanted = set(po_numbers)
    ordered: dict[str, int] = {}
    for allocation in plan.allocations:
        ordered[allocation.sku.upper()] = (
            ordered.get(allocation.sku.upper(), 0) + allocation.quantity
        )
    cuts: dict[str, Decimal] = {}
    for po in orders:
        if po["po_number"] not in wanted:
            continue
        for line in po["lines"]:
            sku = (line.get("sku") or "").upper()
            if sku in ordered:
                quantity = min(Decimal(line["quantity"]), Decimal(ordered[sku]))
                cuts[po["po_number"]] = cuts.get(po["po_number"], Decimal(0)) + quantity * Decimal(
                    line["unit_price"]
                )
    return cuts


def planned_supply(
    ctx: PlanningContext,
    assessment: Mapping[str, Any],
    plan: SourcingPlan,
    orders: list[dict[str, Any]],
    reference_unit_prices: Mapping[str, Decimal],
) -> Payable | None:
    """What the plan's units beyond the delayed POs would have cost from the disrupted
    supplier: the baseline a recovery is compared with (its premium, not its volume)."""
    moved: dict[str, Decimal] = {}
    for po in orders:
        if po["po_number"] in (assessment.get("po_numbers") or []):
            for line in po["lines"]:
                sku = (line.get("sku") or "").upper()
                moved[sku] = moved.get(sku, Decimal(0)) + Decimal(line["quantity"])
    amount = Decimal(0)
    for allocation in plan.allocations:
        sku = allocation.sku.upper()
        reference = reference_unit_prices.get(allocation.sku)
        if reference is None:
            continue
        taken = min(moved.get(sku, Decimal(0)), Decimal(allocation.quantity))
        moved[sku] = moved.get(sku, Decimal(0)) - taken
        amount += (Decimal(allocation.quantity) - taken) * reference
    supplier = ctx.master.supplier(str(assessment.get("supplier_id") or ""))
    if amount <= 0 or supplier is None:
        return None
    arrival = assessment.get("arrival_date") or assessment["as_of"]
    return Payable(
        reference=f"planned:{supplier.supplier_id}",
        supplier_id=supplier.supplier_id,
        amount=amount.quantize(Decimal("0.01")),
        currency=ctx.base_currency,
        invoice_date=date.fromisoformat(arrival),
        payment_terms=supplier.payment_terms,
    )


def original_route_co2e(
    ctx: PlanningContext, assessment: Mapping[str, Any], plan: SourcingPlan
) -> Decimal | None:
    """CO2e of shipping the plan's goods from the disrupted supplier by its best route to
    the plant: what a carbon increase is measured against (None when it has no route)."""
    supplier = ctx.master.supplier(str(assessment.get("supplier_id") or ""))
    if supplier is None or not plan.allocations:
        return None
    weight = Decimal(0)
    for allocation in plan.allocations:
        item = ctx.master.item(allocation.sku)
        weight += (item.unit_weight_kg if item else Decimal(1)) * allocation.quantity
    if weight <= 0:
        return None
    output = LogisticsAgent().decide(
        LogisticsInput(
            lanes=[lane_of(lane) for lane in ctx.master.lanes],
            shipments=[
                Shipment(reference=supplier.supplier_id, origin=supplier.location, weight_kg=weight)
            ],
            plant_location=ctx.plant_location,
            weights=RouteWeights.from_mandate(mandate_for(ctx.policy, "logistics").weights),
            base_currency=ctx.base_currency,
            fx_rates=fx_rates_on(ctx.master, date.fromisoformat(assessment["as_of"])),
        )
    )
    if any(route.best is None for route in output.routes):
        return None
    return output.total_co2e_kg


__all__ = [
    "delayed_deliveries",
    "open_payables",
    "original_route_co2e",
    "planned_supply",
    "replaced_amounts",
]
