"""The facts a recovery plan is guarded on, from the disruption agents' outputs.

The policy's guardrails (CEL) look at ``action`` — what is proposed — and ``context``.
This module turns a sourcing plan with its compliance, logistics and finance results
into exactly those facts (see the shipped policy's header for their meaning), so a
playbook can hand them to the guardrail evaluation unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from procureflow.agents.compliance import ComplianceOutput
from procureflow.agents.finance import FinanceOutput
from procureflow.domain.money import Money
from procureflow.domain.sourcing_plans import SourcingPlan
from procureflow.domain.vetting import SupplierProfile


def price_increase_pct(plan: SourcingPlan, reference_unit_prices: Mapping[str, Decimal]) -> Decimal:
    """Quantity-weighted unit-price increase of the plan against the original prices, in %.

    Only SKUs with a reference price count; 0 when none has one.
    """
    new = Decimal(0)
    old = Decimal(0)
    for allocation in plan.allocations:
        reference = reference_unit_prices.get(allocation.sku)
        if reference is None:
            continue
        new += allocation.unit_price_base.amount * allocation.quantity
        old += reference * allocation.quantity
    if old == 0:
        return Decimal(0)
    return ((new - old) / old * 100).quantize(Decimal("0.01"))


def carbon_increase_pct(plan: SourcingPlan, original_co2e_kg: Decimal | None) -> Decimal:
    """CO2e of the plan against the original supply's, in %; 0 when the original is unknown."""
    if not original_co2e_kg:
        return Decimal(0)
    return ((plan.co2e_kg - original_co2e_kg) / original_co2e_kg * 100).quantize(Decimal("0.01"))


def recovery_plan_facts(
    plan: SourcingPlan,
    *,
    suppliers: list[SupplierProfile],
    category: str,
    severity: str,
    force_majeure: bool = False,
    reference_unit_prices: Mapping[str, Decimal] | None = None,
    original_co2e_kg: Decimal | None = None,
    compliance: ComplianceOutput | None = None,
    finance: FinanceOutput | None = None,
) -> dict[str, Any]:
    """``{"action": …, "context": …}`` for the guardrails of a recovery plan.

    ``extra_cost`` is the finance agent's total recovery cost when given (price delta +
    freight; damages are a claim shown apart, never netted), else the plan's landed cost
    above the reference prices.
    """
    profiles = {s.supplier_id: s for s in suppliers}
    expired = {
        result.supplier_id: [
            e.subject or e.reason for e in result.exclusions if e.code == "certificate-expired"
        ]
        for result in (compliance.vetting if compliance else [])
    }
    used = plan.supplier_ids()
    supplier_facts = []
    for supplier_id in used:
        profile = profiles.get(supplier_id)
        supplier_facts.append(
            {
                "id": supplier_id,
                "approved": bool(profile and profile.approved),
                "esg_score": (
                    profile.esg_score if profile and profile.esg_score is not None else 0.0
                ),
                "expired_certificates": expired.get(supplier_id, []),
            }
        )
    references = reference_unit_prices or {}
    if finance is not None:
        extra = finance.total_recovery_cost
    else:
        baseline = sum(
            (references.get(a.sku, a.unit_cost.amount) * a.quantity for a in plan.allocations),
            Decimal(0),
        )
        extra = Money(plan.cost.amount - baseline, plan.cost.currency).rounded()
    return {
        "action": {
            "kind": "recovery_plan",
            "category": category,
            "amount": plan.cost.rounded(),
            "extra_cost": extra,
            "price_increase_pct": price_increase_pct(plan, references),
            "carbon_increase_pct": carbon_increase_pct(plan, original_co2e_kg),
            "suppliers": supplier_facts,
        },
        "context": {"severity": severity, "force_majeure": force_majeure},
    }


__all__ = ["carbon_increase_pct", "price_increase_pct", "recovery_plan_facts"]
