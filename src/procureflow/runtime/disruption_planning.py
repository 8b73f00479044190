"""The recovery plan of a supply disruption, worked out from master data.

Pure of any store: given the master data, the policy and the Risk Monitor's reading,
these functions build the agents' inputs (``agents.disruption_inputs``), run sourcing,
compliance, logistics and finance, pick the best plan still open (not declined, not
failed in vetting) and turn it into the facts the guardrails judge. The playbook's
custom functions (``disruption_functions``) call them and keep the results durable.

When no alternative can arrive by the need date (the date safety stock is breached),
sourcing is asked again allowing arrivals up to the day before the delayed goods land,
each day late priced as a penalty: an order that lands before them still shortens the
stock-out, and the less late of two options wins unless it costs much more. The plan
says so (``need_date_relaxed`` and its reasoning).

Missing reference data (an FX rate, a UN/LOCODE's coordinates) drops only the offers
and lanes it touches; the gaps travel with the results (``data_gaps``) for the playbook
to raise to the master-data owners. Liquidated damages are a claim on the delayed
supplier on the value of the delayed deliveries, shown apart from the recovery's cost;
the delayed supplier's own vetting is part of the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from procureflow.agents.compliance import ComplianceAgent, ComplianceOutput
from procureflow.agents.disruption_inputs import (
    active_contract,
    compliance_input,
    demands_from_impacts,
    finance_input,
    fx_rates_on,
    logistics_input,
    sourcing_input,
    supplier_profile,
)
from procureflow.agents.finance import FinanceAgent, FinanceOutput
from procureflow.agents.logistics import LogisticsAgent, LogisticsOutput
from procureflow.agents.recovery_facts import recovery_plan_facts
from procureflow.agents.risk_monitor_models import RiskMonitorOutput
from procureflow.agents.sourcing import SourcingAgent, SourcingOutput
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.data_gaps import DataGap
from procureflow.domain.master import MasterDataSet
from procureflow.domain.sourcing_model import SkuDemand
from procureflow.domain.sourcing_plans import SourcingPlan
from procureflow.domain.vetting import VettingPolicy
from procureflow.policies import Policy, jsonable_facts, mandate_for
from procureflow.runtime.disruption_baselines import (
    open_payables,
    original_route_co2e,
    planned_supply,
    replaced_amounts,
)

DEFAULT_CATEGORY = "direct-materials"


@dataclass(frozen=True)
class PlanningContext:
    """What every planning step needs besides the reading: data, policy, plant, currency."""

    master: MasterDataSet
    policy: Policy
    plant_location: str
    base_currency: str


def assess(reading: RiskMonitorOutput) -> dict[str, Any]:
    """The facts of the disruption the rest of the playbook works from (JSON)."""
    demands = demands_from_impacts(reading.impacts)
    delay = reading.delay
    result: dict[str, Any] = to_jsonable(
        {
            "classification": reading.classification,
            "extraction": reading.extraction,
            "next_playbook": reading.next_playbook,
            "message_id": reading.message_id,
            "sender": reading.sender,
            "supplier_id": reading.supplier_id,
            "supplier_name": reading.supplier_name,
            "unknown_sender": reading.unknown_sender,
            "skus": [i.sku for i in reading.items],
            "po_numbers": reading.po_numbers,
            "delay_days": delay.days if delay else None,
            "arrival_date": delay.arrival_date if delay else None,
            "reason": reading.reason,
            "force_majeure": reading.force_majeure,
            "severity": reading.severity,
            "as_of": reading.as_of,
            "impacts": [i.model_dump(mode="json") for i in reading.impacts],
            "demands": [d.model_dump(mode="json", exclude_none=True) for d in demands],
            "needs_recovery": bool(demands) and not reading.unknown_sender,
            "price_change": (
                reading.price_change.model_dump(mode="json") if reading.price_change else None
            ),
            "rationale": reading.decision.rationale,
        }
    )
    return result


def _demands(assessment: Mapping[str, Any]) -> list[SkuDemand]:
    return [SkuDemand.model_validate(d) for d in assessment.get("demands") or []]


def _relaxed(assessment: Mapping[str, Any], demands: list[SkuDemand]) -> list[SkuDemand]:
    """The demands accepting late arrival up to the day before the delayed goods land;
    the need date stays, so each day after it is priced as lateness."""
    arrival = {i["sku"]: date.fromisoformat(i["arrival_date"]) for i in assessment["impacts"]}
    relaxed = []
    for demand in demands:
        latest = arrival.get(demand.sku, demand.need_by) - timedelta(days=1)
        relaxed.append(demand.model_copy(update={"latest_by": max(latest, demand.need_by)}))
    return relaxed


def run_sourcing(
    ctx: PlanningContext, assessment: Mapping[str, Any], exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """Sourcing's ranked plans for the demand (need date relaxed when nothing is in time)."""
    demands = _demands(assessment)
    mandate = mandate_for(ctx.policy, "sourcing")
    as_of = date.fromisoformat(assessment["as_of"])
    bound = mandate.bounds.get("max_price_increase_pct")

    def solve(wanted: list[SkuDemand]) -> SourcingOutput:
        data = sourcing_input(
            ctx.master,
            wanted,
            as_of=as_of,
            weights=mandate.weights,
            disrupted_supplier=assessment.get("supplier_id"),
            exclude_suppliers=exclude,
            plant_location=ctx.plant_location,
            base_currency=ctx.base_currency,
            max_price_increase_pct=Decimal(str(bound)) if bound is not None else None,
        )
        return SourcingAgent().decide(data)

    output = solve(demands)
    relaxed = False
    if not output.fully_covered and _need_date_binds(output):
        later = solve(_relaxed(assessment, demands))
        if later.plans and later.plans[0].allocations:
            output, relaxed = later, True
    result = output.model_dump(mode="json")
    result["need_date_relaxed"] = relaxed
    return result


def plan_reasoning(
    sourcing: Mapping[str, Any],
    plan: SourcingPlan,
    compliance: Mapping[str, Any],
) -> str:
    """What an approver must know beyond the figures: lateness, data gaps, the claim on
    the delayed supplier and that supplier's own vetting — in plain sentences."""
    parts = []
    late = [a for a in plan.allocations if a.days_late > 0]
    if late:
        parts.append(
            "Nothing could arrive by the need date; the plan accepts lateness, priced per "
            "day late: "
            + "; ".join(f"{a.supplier_id} {a.sku} arrives {a.days_late} day(s) late" for a in late)
            + "."
        )
    gaps = sourcing.get("data_gaps") or []
    if gaps:
        parts.append(
            "Left out for missing master data: "
            + "; ".join(f"{g['dropped']} ({g['message']})" for g in gaps)
            + "."
        )
    damages = compliance.get("damages")
    if damages:
        amount = damages["amount"]
        parts.append(
            f"Damages claimable from the delayed supplier: {amount['amount']} "
            f"{amount['currency']} ({damages['basis'].replace('_', ' ')}), shown apart and "
            "not netted from the extra cost."
        )
    else:
        parts.append(f"No damages claim: {compliance.get('damages_note', '')}.")
    incumbent = compliance.get("incumbent")
    if incumbent:
        findings = [e["reason"] for e in incumbent.get("exclusions") or []]
        findings += incumbent.get("warnings") or []
        verdict = "passes" if incumbent["passed"] else "fails"
        parts.append(
            f"Delayed supplier {incumbent['supplier_id']} {verdict} vetting "
            f"(Altman zone {incumbent['altman_zone']})"
            + (": " + "; ".join(findings) if findings else "")
            + "."
        )
    return " ".join(parts)


def _need_date_binds(output: SourcingOutput) -> bool:
    if not output.plans:
        return True
    return any(
        b.code == "need_date"
        for plan in output.plans[:1]
        for s in plan.shortfalls
        for b in s.binding
    )


def run_compliance(
    ctx: PlanningContext,
    assessment: Mapping[str, Any],
    delayed_po_value: Decimal | None,
    currency: str | None = None,
) -> dict[str, Any]:
    """Damages owed on the delayed deliveries, the vetting of every other supplier and of
    the delayed supplier itself.

    ``delayed_po_value`` is in ``currency`` (the contract's when None); it is converted
    to the contract's currency. Without a rate for that no amount is computed and the
    missing rate is a data gap, not a failure.
    """
    supplier_id = str(assessment["supplier_id"])
    today = date.fromisoformat(assessment["as_of"])
    policy = VettingPolicy.from_bounds(mandate_for(ctx.policy, "compliance").bounds)
    gaps: list[DataGap] = []
    contract = active_contract(ctx.master, supplier_id, today)
    if delayed_po_value is not None and contract is not None and currency:
        converted = _convert(ctx, delayed_po_value, currency, contract.currency, today)
        if converted is None:
            gaps.append(
                DataGap(
                    kind="fx_rate",
                    key=(currency if currency != ctx.base_currency else contract.currency),
                    message=f"no FX rate to convert {currency} into {contract.currency}",
                    dropped=f"damages claim under contract {contract.contract_id}",
                )
            )
        delayed_po_value = converted
    output = ComplianceAgent().decide(
        compliance_input(
            ctx.master,
            delayed_supplier=supplier_id,
            delay_days=int(assessment.get("delay_days") or 0),
            today=today,
            force_majeure=bool(assessment.get("force_majeure")),
            delayed_po_value=delayed_po_value,
            policy=policy,
        )
    )
    result = output.model_dump(mode="json")
    result["data_gaps"] = [g.model_dump(mode="json") for g in gaps]
    return result


def _convert(
    ctx: PlanningContext, amount: Decimal, source: str, target: str, day: date
) -> Decimal | None:
    if source.upper() == target.upper():
        return amount
    rates = fx_rates_on(ctx.master, day)
    rates.setdefault(ctx.base_currency, Decimal(1))
    if source not in rates or target not in rates:
        return None
    return (amount * rates[source] / rates[target]).quantize(Decimal("0.01"))


def next_plan(
    sourcing: Mapping[str, Any],
    compliance: Mapping[str, Any],
    excluded: Iterable[str],
) -> tuple[SourcingPlan | None, list[dict[str, Any]]]:
    """The best plan whose suppliers all passed vetting and none declined; and why each
    better plan was passed over."""
    out = set(excluded)
    failed = dict(compliance.get("excluded_suppliers") or {})
    skipped = []
    for raw in sourcing.get("plans") or []:
        plan = SourcingPlan.model_validate(raw)
        if not plan.allocations:
            skipped.append({"rank": plan.rank, "reason": "the plan orders nothing"})
            continue
        blocked = [s for s in plan.supplier_ids() if s in out]
        vetting = {s: failed[s] for s in plan.supplier_ids() if s in failed}
        if blocked or vetting:
            skipped.append(
                {"rank": plan.rank, "declined_or_timed_out": blocked, "failed_vetting": vetting}
            )
            continue
        return plan, skipped
    return None, skipped


def evaluate_plan(
    ctx: PlanningContext,
    assessment: Mapping[str, Any],
    plan: SourcingPlan,
    compliance: Mapping[str, Any],
    orders: list[dict[str, Any]],
    reference_unit_prices: Mapping[str, Decimal],
) -> dict[str, Any]:
    """Logistics and finance for ``plan``, and the guard facts of the whole."""
    as_of = date.fromisoformat(assessment["as_of"])
    logistics: LogisticsOutput = LogisticsAgent().decide(
        logistics_input(
            ctx.master,
            plan,
            plant_location=ctx.plant_location,
            weights=mandate_for(ctx.policy, "logistics").weights,
            base_currency=ctx.base_currency,
            as_of=as_of,
        )
    )
    checked = ComplianceOutput.model_validate(compliance)
    rates = fx_rates_on(ctx.master, as_of)
    claim = checked.damages
    if claim is not None and claim.amount.currency not in {ctx.base_currency, *rates}:
        claim = None  # shown in its own currency below; finance cannot convert it
    priced = {ctx.base_currency, *rates}
    gaps = [
        DataGap(
            kind="fx_rate",
            key=str(po["currency"]),
            message=f"no FX rate from {po['currency']} to {ctx.base_currency}",
            dropped=f"open PO {po['po_number']} from the cash-flow baseline",
        )
        for po in orders
        if po["currency"] not in priced
    ]
    # an open PO finance cannot convert leaves baseline and scenario alike: the delta holds
    orders = [po for po in orders if po["currency"] in priced]
    baseline = open_payables(orders, as_of)
    replaced = replaced_amounts(plan, orders, assessment.get("po_numbers") or [])
    planned = planned_supply(ctx, assessment, plan, orders, reference_unit_prices)
    if planned is not None:
        baseline.append(planned)
        replaced[planned.reference] = planned.amount
    finance: FinanceOutput = FinanceAgent().decide(
        finance_input(
            ctx.master,
            plan,
            as_of=as_of,
            base_currency=ctx.base_currency,
            baseline=baseline,
            replaced=replaced,
            logistics=logistics,
            damages=claim,
        )
    )
    used = set(plan.supplier_ids())
    profiles = [supplier_profile(s) for s in ctx.master.suppliers if s.supplier_id in used]
    original_co2e = original_route_co2e(ctx, assessment, plan)
    facts = recovery_plan_facts(
        plan,
        suppliers=profiles,
        category=DEFAULT_CATEGORY,
        severity=str(assessment.get("severity") or "low"),
        force_majeure=bool(assessment.get("force_majeure")),
        reference_unit_prices=reference_unit_prices,
        original_co2e_kg=original_co2e,
        compliance=checked,
        finance=finance,
    )
    incumbent = checked.incumbent
    facts["context"]["incumbent"] = (
        {
            "id": incumbent.supplier_id,
            "passed": incumbent.passed,
            "altman_zone": incumbent.altman_zone.value,
            "exclusions": [e.code for e in incumbent.exclusions],
        }
        if incumbent
        else None
    )
    return {
        "plan": plan.model_dump(mode="json"),
        "suppliers": sorted(used),
        "damages_claim": (
            {
                "amount": checked.damages.amount.to_json(),
                "basis": checked.damages.basis.value,
                "basis_value": checked.damages.basis_value.to_json(),
                "note": checked.damages_note,
                "netted": False,
            }
            if checked.damages
            else None
        ),
        "incumbent": incumbent.model_dump(mode="json") if incumbent else None,
        "data_gaps": [g.model_dump(mode="json") for g in gaps],
        "logistics": _summary(logistics, ("routes", "total_freight", "total_co2e_kg")),
        "finance": _summary(
            finance,
            (
                "price_delta",
                "freight_delta",
                "damages_recoverable",
                "total_recovery_cost",
                # weekly cash-out before and after the plan: the dashboard charts them
                "baseline",
                "scenario",
            ),
        ),
        "facts": jsonable_facts(facts),
    }


def choose_plan(
    ctx: PlanningContext,
    assessment: Mapping[str, Any],
    sourcing: Mapping[str, Any],
    compliance: Mapping[str, Any],
    exclude: list[str],
    orders: list[dict[str, Any]],
) -> dict[str, Any]:
    """The proposal of ``disruption.plan``: the best open plan, priced and explained, or
    ``found: false`` with why none is left.

    When the ranked plans are used up, sourcing is asked again without every supplier
    that declined, timed out or failed vetting. ``data_gaps`` lists the reference data
    the sourcing behind the answer missed, for the caller to raise.
    """
    chosen, skipped = next_plan(sourcing, compliance, exclude)
    resourced = False
    if chosen is None:
        blocked = sorted(set(exclude) | set(compliance.get("excluded_suppliers") or {}))
        sourcing = run_sourcing(ctx, assessment, blocked)
        chosen, more = next_plan(sourcing, compliance, exclude)
        skipped += more
        resourced = True
    gaps = list(sourcing.get("data_gaps") or []) + list(compliance.get("data_gaps") or [])
    if chosen is None:
        return {
            "found": False,
            "excluded": exclude,
            "skipped": skipped,
            "reason": _why_none(sourcing, compliance, exclude),
            "data_gaps": gaps,
        }
    evaluation = evaluate_plan(
        ctx, assessment, chosen, compliance, orders, reference_prices(ctx, assessment)
    )
    return {
        "found": True,
        "rank": chosen.rank,
        "resourced": resourced,
        "need_date_relaxed": bool(sourcing.get("need_date_relaxed")),
        "excluded": exclude,
        "skipped": skipped,
        "main_supplier": chosen.main_supplier or chosen.supplier_ids()[0],
        **evaluation,
        "data_gaps": gaps + evaluation["data_gaps"],
        "reasoning": plan_reasoning(sourcing, chosen, compliance),
    }


def _why_none(
    sourcing: Mapping[str, Any], compliance: Mapping[str, Any], exclude: list[str]
) -> str:
    parts = []
    if exclude:
        parts.append(f"declined or unanswered: {', '.join(exclude)}")
    failed = compliance.get("excluded_suppliers") or {}
    if failed:
        parts.append(
            "failed vetting: "
            + "; ".join(f"{s} ({', '.join(r)})" for s, r in sorted(failed.items()))
        )
    binding = [
        b["message"]
        for p in (sourcing.get("plans") or [])[:1]
        for s in p.get("shortfalls") or []
        for b in s.get("binding") or []
    ]
    if binding:
        parts.append("sourcing: " + "; ".join(binding))
    return "no alternative supply is left" + (" — " + " | ".join(parts) if parts else "")


def _summary(output: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    data = output.model_dump(mode="json")
    summary = {name: data[name] for name in fields}
    summary["rationale"] = data["decision"]["rationale"]
    return summary


def reference_prices(ctx: PlanningContext, assessment: Mapping[str, Any]) -> dict[str, Decimal]:
    """The disrupted supplier's unit prices in the base currency: what increases are
    measured against."""
    demands = _demands(assessment)
    if not demands:
        return {}
    data = sourcing_input(
        ctx.master,
        demands,
        as_of=date.fromisoformat(assessment["as_of"]),
        weights=mandate_for(ctx.policy, "sourcing").weights,
        disrupted_supplier=assessment.get("supplier_id"),
        plant_location=ctx.plant_location,
        base_currency=ctx.base_currency,
    )
    return dict(data.reference_unit_prices)


__all__ = [
    "DEFAULT_CATEGORY",
    "PlanningContext",
    "assess",
    "choose_plan",
    "evaluate_plan",
    "next_plan",
    "plan_reasoning",
    "reference_prices",
    "run_compliance",
    "run_sourcing",
]
