"""Build the sourcing, compliance, logistics and finance agents' inputs from master data.

The four agents take plain typed inputs so they never touch a store; these functions
are the glue a playbook step uses: they pick from a :class:`MasterDataSet` the
suppliers, offers, contracts, lanes and fx rates that bear on a disruption, and turn the
Risk Monitor's impact projections into sourcing demands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from procureflow.agents.compliance import ComplianceInput, ContractTerms
from procureflow.agents.finance import FinanceInput, Payable, payables_from_plan
from procureflow.agents.logistics import LogisticsInput, LogisticsOutput, Shipment
from procureflow.agents.routing import RouteWeights
from procureflow.agents.sourcing import OfferInput, SourcingInput
from procureflow.domain.inventory import ImpactProjection
from procureflow.domain.lanes import Lane
from procureflow.domain.liquidated_damages import LiquidatedDamages
from procureflow.domain.master import Contract, MasterDataSet, Supplier
from procureflow.domain.master import Lane as MasterLane
from procureflow.domain.sourcing_model import ObjectiveWeights, SkuDemand
from procureflow.domain.sourcing_plans import SourcingPlan
from procureflow.domain.vetting import Certificate, SupplierProfile, VettingPolicy


def supplier_profile(supplier: Supplier) -> SupplierProfile:
    """The vetting and risk facts of a master-data supplier."""
    return SupplierProfile(
        supplier_id=supplier.supplier_id,
        name=supplier.name,
        approved=supplier.approved,
        esg_score=float(supplier.esg_score),
        altman_z=float(supplier.altman_z),
        certifications=[
            Certificate(name=c.name, expires_on=c.expiry) for c in supplier.certifications
        ],
        location=supplier.location,
        country=supplier.country,
    )


def lane_of(lane: MasterLane) -> Lane:
    """A master-data lane; a ``distance_km`` or ``currency`` column kept as extra is used."""
    distance = lane.extra.get("distance_km", "").strip()
    currency = lane.extra.get("currency", "").strip()
    return Lane(
        origin=lane.origin,
        destination=lane.destination,
        mode=lane.mode,
        cost_per_kg=lane.cost_per_kg,
        transit_days=Decimal(lane.transit_days),
        co2e_kg_per_tkm=lane.co2e_kg_per_tkm,
        distance_km=Decimal(distance) if distance else None,
        currency=currency.upper() or None,
    )


def fx_rates_on(master: MasterDataSet, day: date) -> dict[str, Decimal]:
    """The latest rate of each currency dated on or before ``day`` (else its earliest)."""
    chosen: dict[str, tuple[date, Decimal]] = {}
    for rate in sorted(master.fx_rates, key=lambda r: r.date):
        current = chosen.get(rate.currency)
        if current is None or rate.date <= day:
            chosen[rate.currency] = (rate.date, rate.rate_to_base)
    return {currency: value for currency, (_, value) in chosen.items()}


def demands_from_impacts(
    impacts: Iterable[ImpactProjection], *, restore_safety_stock: bool = True
) -> list[SkuDemand]:
    """What sourcing must cover: per SKU the shortfall (to safety stock) by the need date."""
    demands = []
    for impact in impacts:
        quantity = impact.shortfall_to_safety_qty if restore_safety_stock else impact.shortfall_qty
        if quantity <= 0 or impact.need_by is None:
            continue
        demands.append(
            SkuDemand(sku=impact.sku, quantity=math.ceil(quantity), need_by=impact.need_by)
        )
    return demands


def sourcing_input(
    master: MasterDataSet,
    demands: list[SkuDemand],
    *,
    as_of: date,
    weights: Mapping[str, float],
    disrupted_supplier: str | None = None,
    exclude_suppliers: Iterable[str] = (),
    plant_location: str,
    base_currency: str,
    max_plans: int = 3,
    max_price_increase_pct: Decimal | None = None,
) -> SourcingInput:
    """Sourcing's input: every offer for the demanded SKUs, their suppliers, lanes and fx.

    The ``disrupted_supplier`` is excluded and its prices are the reference for the
    price-increase bound; ``exclude_suppliers`` adds others (declined, failed vetting).
    """
    skus = {d.sku.upper() for d in demands}
    offers = [o for o in master.offers if o.sku.upper() in skus]
    supplier_ids = {o.supplier_id for o in offers}
    excluded = sorted(
        set(exclude_suppliers) | ({disrupted_supplier} if disrupted_supplier else set())
    )
    rates = fx_rates_on(master, as_of)
    rates.setdefault(base_currency, Decimal(1))
    # What the disrupted supplier charges is what a price increase is measured against.
    reference = {
        o.sku: o.unit_price * rates[o.currency]
        for o in offers
        if o.supplier_id == disrupted_supplier and o.currency in rates
    }
    return SourcingInput(
        demands=demands,
        as_of=as_of,
        suppliers=[supplier_profile(s) for s in master.suppliers if s.supplier_id in supplier_ids],
        offers=[
            OfferInput(
                supplier_id=o.supplier_id,
                sku=o.sku,
                unit_price=o.unit_price,
                currency=o.currency,
                lead_time_days=o.lead_time_days,
                capacity_per_week=o.capacity_per_week,
                min_order_qty=math.ceil(o.min_order_qty),
            )
            for o in offers
        ],
        weights=ObjectiveWeights.from_mandate(weights),
        exclude_suppliers=excluded,
        base_currency=base_currency,
        fx_rates=rates,
        max_plans=max_plans,
        lanes=[lane_of(lane) for lane in master.lanes],
        plant_location=plant_location,
        unit_weight_kg={
            item.sku: item.unit_weight_kg for item in master.items if item.sku.upper() in skus
        },
        route_weights=RouteWeights.from_mandate(weights),
        reference_unit_prices=reference,
        max_price_increase_pct=max_price_increase_pct,
    )


def active_contract(master: MasterDataSet, supplier_id: str, day: date) -> Contract | None:
    """The supplier's contract in force on ``day`` (the latest started if several)."""
    active = [k for k in master.contracts_of(supplier_id) if k.is_active_on(day)]
    return max(active, key=lambda k: k.start_date) if active else None


def compliance_input(
    master: MasterDataSet,
    *,
    delayed_supplier: str,
    delay_days: int,
    today: date,
    force_majeure: bool = False,
    alternatives: Iterable[str] | None = None,
    delayed_po_value: Decimal | None = None,
    policy: VettingPolicy | None = None,
) -> ComplianceInput:
    """Compliance's input: the delayed supplier's contract and the alternatives to vet."""
    contract = active_contract(master, delayed_supplier, today)
    wanted = set(alternatives) if alternatives is not None else None
    profiles = [
        supplier_profile(s)
        for s in master.suppliers
        if s.supplier_id != delayed_supplier and (wanted is None or s.supplier_id in wanted)
    ]
    return ComplianceInput(
        today=today,
        delay_days=delay_days,
        force_majeure=force_majeure,
        contract=(
            ContractTerms(
                contract_id=contract.contract_id,
                supplier_id=contract.supplier_id,
                value=contract.value,
                currency=contract.currency,
                ld_rate_pct_per_week=contract.ld_rate_pct_per_week,
                ld_cap_pct=contract.ld_cap_pct,
            )
            if contract
            else None
        ),
        delayed_po_value=delayed_po_value,
        alternatives=profiles,
        incumbent=(
            supplier_profile(incumbent)
            if (incumbent := master.supplier(delayed_supplier)) is not None
            else None
        ),
        policy=policy or VettingPolicy(),
    )


def logistics_input(
    master: MasterDataSet,
    plan: SourcingPlan,
    *,
    plant_location: str,
    weights: Mapping[str, float],
    base_currency: str,
    as_of: date,
) -> LogisticsInput:
    """Logistics' input: one shipment per supplier of the plan, weighed from the items."""
    weight_of = {item.sku.upper(): item.unit_weight_kg for item in master.items}
    weight_by_supplier: dict[str, Decimal] = {}
    modes_of: dict[str, tuple[Decimal, list[str]]] = {}
    for allocation in plan.allocations:
        weight = weight_of.get(allocation.sku.upper(), Decimal(1)) * allocation.quantity
        weight_by_supplier[allocation.supplier_id] = (
            weight_by_supplier.get(allocation.supplier_id, Decimal(0)) + weight
        )
        # the supplier's heaviest allocation decides the mode its shipment is priced by
        if allocation.supplier_id not in modes_of or weight > modes_of[allocation.supplier_id][0]:
            modes_of[allocation.supplier_id] = (weight, list(allocation.route_modes))
    shipments = []
    for supplier_id, weight in sorted(weight_by_supplier.items()):
        supplier = master.supplier(supplier_id)
        if supplier is not None:
            shipments.append(
                Shipment(
                    reference=supplier_id,
                    origin=supplier.location,
                    weight_kg=weight,
                    modes=modes_of[supplier_id][1],
                )
            )
    return LogisticsInput(
        lanes=[lane_of(lane) for lane in master.lanes],
        shipments=shipments,
        plant_location=plant_location,
        weights=RouteWeights.from_mandate(weights),
        base_currency=base_currency,
        fx_rates=fx_rates_on(master, as_of),
    )


def finance_input(
    master: MasterDataSet,
    plan: SourcingPlan,
    *,
    as_of: date,
    base_currency: str,
    baseline: list[Payable],
    replaced: Mapping[str, Decimal] | None = None,
    logistics: LogisticsOutput | None = None,
    damages: LiquidatedDamages | None = None,
    weeks: int = 13,
) -> FinanceInput:
    """Finance's input: the baseline, and the scenario with the plan's POs and freight.

    ``replaced`` maps baseline references to the amount that leaves them (the delayed PO
    reduced by what the alternatives now supply); freight is invoiced on the plan's
    arrival date at the carrier's usual net 30.
    """
    terms = {s.supplier_id: s.payment_terms for s in master.suppliers}
    cuts = dict(replaced or {})
    scenario = []
    for payable in baseline:
        amount = payable.amount - cuts.get(payable.reference, Decimal(0))
        if amount > 0:
            scenario.append(payable.model_copy(update={"amount": amount}))
    scenario.extend(payables_from_plan(plan, terms))
    if logistics is not None and logistics.total_freight.amount > 0:
        scenario.append(
            Payable(
                reference="freight",
                amount=logistics.total_freight.amount,
                currency=logistics.total_freight.currency,
                invoice_date=plan.arrival_date or as_of,
                payment_terms="net 30",
                kind="freight",
            )
        )
    return FinanceInput(
        as_of=as_of,
        weeks=weeks,
        base_currency=base_currency,
        fx_rates=fx_rates_on(master, as_of),
        baseline=baseline,
        scenario=scenario,
        damages_recoverable=damages.amount.amount if damages else Decimal(0),
        damages_currency=damages.amount.currency if damages else None,
    )


__all__ = [
    "active_contract",
    "compliance_input",
    "demands_from_impacts",
    "finance_input",
    "fx_rates_on",
    "lane_of",
    "logistics_input",
    "sourcing_input",
    "supplier_profile",
]
