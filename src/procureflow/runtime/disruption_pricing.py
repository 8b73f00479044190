"""Custom functions of the price-change playbook (``price_change.*``).

* ``price_change.assess {event}`` — the supplier's new prices applied to its open PO
  lines (those due on or after the effective date), the cash-flow forecast before and
  after (finance agent), and the guard facts of the change (``kind: price_change``).
* ``price_change.apply {proposal}`` — re-prices the lines, once (keyed on the step), and
  tells the supplier the new prices are accepted.
* ``price_change.resource {proposal}`` — when the change is refused: sourcing's best plan
  for the same quantities without this supplier, for the buyer to act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procureflow.agents.disruption_inputs import fx_rates_on, sourcing_input
from procureflow.agents.finance import FinanceAgent, FinanceInput
from procureflow.agents.sourcing import SourcingAgent
from procureflow.domain.money import Money
from procureflow.domain.sourcing_model import SkuDemand
from procureflow.errors import InvalidInput
from procureflow.policies import jsonable_facts, mandate_for
from procureflow.runtime import disruption_messages as mail
from procureflow.runtime.disruption_baselines import open_payables
from procureflow.runtime.disruption_planning import DEFAULT_CATEGORY
from procureflow.runtime.ports import CallContext, FunctionSpec

if TYPE_CHECKING:
    from procureflow.runtime.disruption_functions import DisruptionDesk


def _new_price(
    old: Decimal, currency: str, sku: str, quotes: Mapping[str, Any], percent: Decimal | None
) -> Decimal | None:
    quote = quotes.get(sku.upper())
    if quote is not None and quote["currency"] == currency:
        return Decimal(quote["new_price"])
    if percent is not None:
        return (old * (1 + percent / 100)).quantize(Decimal("0.01"))
    return None


def pricing_functions(desk: DisruptionDesk) -> list[FunctionSpec]:
    """``price_change.assess``, ``price_change.apply``, ``price_change.resource``."""
    from procureflow.runtime.disruption_functions import reading_of_event

    svc = desk.svc

    def assess(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        event = args.get("event")
        if not isinstance(event, Mapping):
            raise InvalidInput("price_change.assess needs 'event': the triggering CloudEvent")
        reading = reading_of_event(desk, event)
        change = reading.price_change
        master = desk.master.load()
        percent = change.percent if change else None
        effective = change.effective_date if change else None
        quotes = {
            q.sku.upper(): q.model_dump(mode="json") for q in (change.quotes if change else [])
        }
        affected = {i.sku.upper() for i in reading.items} | set(quotes)
        orders = desk.open_orders_json()
        changes = []
        for po in orders:
            if po["supplier_id"] != reading.supplier_id:
                continue
            for line in po["lines"]:
                sku = (line["sku"] or "").upper()
                due = date.fromisoformat(line["need_by"]) if line["need_by"] else None
                if sku not in affected or (effective and due and due < effective):
                    continue
                old = Decimal(line["unit_price"])
                new = _new_price(old, po["currency"], sku, quotes, percent)
                if new is None or new == old:
                    continue
                changes.append(
                    {
                        "po_number": po["po_number"],
                        "line_id": line["line_id"],
                        "sku": line["sku"],
                        "quantity": line["quantity"],
                        "need_by": line["need_by"],
                        "currency": po["currency"],
                        "old_price": str(old),
                        "new_price": str(new),
                    }
                )
        as_of = reading.as_of
        base = svc.settings.base_currency
        rates = fx_rates_on(master, as_of)
        rates.setdefault(base, Decimal(1))
        # an open PO in a currency without a rate cannot be forecast; leaving it out of
        # baseline and scenario alike keeps the delta right instead of failing the step
        baseline = [p for p in open_payables(orders, as_of) if p.currency in rates]
        delta_by_po: dict[str, Decimal] = {}
        old_value = Decimal(0)
        new_value = Decimal(0)
        for c in changes:
            quantity = Decimal(c["quantity"])
            difference = (Decimal(c["new_price"]) - Decimal(c["old_price"])) * quantity
            delta_by_po[c["po_number"]] = delta_by_po.get(c["po_number"], Decimal(0)) + difference
            rate = rates.get(c["currency"], Decimal(1))
            old_value += Decimal(c["old_price"]) * quantity * rate
            new_value += Decimal(c["new_price"]) * quantity * rate
        scenario = [
            p.model_copy(update={"amount": p.amount + delta_by_po.get(p.reference, Decimal(0))})
            for p in baseline
        ]
        finance = FinanceAgent().decide(
            FinanceInput(
                as_of=as_of, base_currency=base, fx_rates=rates, baseline=baseline,
                scenario=scenario, weeks=13,
            )
        )  # fmt: skip
        supplier = master.supplier(reading.supplier_id or "")
        increase = (
            ((new_value - old_value) / old_value * 100).quantize(Decimal("0.01"))
            if old_value
            else (percent or Decimal(0))
        )
        facts = {
            "action": {
                "kind": "price_change",
                "category": DEFAULT_CATEGORY,
                "amount": Money(new_value, base).rounded(),
                "extra_cost": finance.price_delta.rounded(),
                "price_increase_pct": increase,
                "carbon_increase_pct": 0,
                "suppliers": [
                    {
                        "id": reading.supplier_id or "unknown",
                        "approved": bool(supplier and supplier.approved),
                        "esg_score": float(supplier.esg_score) if supplier else 0.0,
                        "expired_certificates": [
                            c.name for c in (supplier.certifications if supplier else ())
                            if not c.is_valid_on(as_of)
                        ],
                    }
                ],
            },
            "context": {"severity": "low", "force_majeure": False},
        }  # fmt: skip
        result = {
            "supplier_id": reading.supplier_id,
            "unknown_sender": reading.unknown_sender,
            "percent": str(percent) if percent is not None else None,
            "effective_date": effective.isoformat() if effective else None,
            "changes": changes,
            "forecast_delta": finance.delta.model_dump(mode="json"),
            "price_delta": jsonable_facts(finance.price_delta.rounded()),
            "facts": jsonable_facts(facts),
            "as_of": as_of.isoformat(),
        }
        desk.record(
            ctx,
            "price_change.assessed",
            {
                "supplier_id": reading.supplier_id,
                "lines": len(changes),
                "price_increase_pct": str(increase),
                "extra_cost": result["price_delta"],
            },
        )
        return result

    def apply(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        proposal = _proposal(args)
        applied = []
        keys = []
        master = desk.master.load()
        with svc.engine.begin() as conn:
            for c in proposal["changes"]:
                changed = desk.orders.set_unit_price(
                    c["po_number"], c["line_id"], Decimal(c["new_price"]),
                    f"{ctx.idempotency_key}:{c['po_number']}:{c['line_id']}",
                    reason=f"price change of {proposal['supplier_id']} accepted", conn=conn,
                )  # fmt: skip
                applied.append({**c, "changed": changed})
            if proposal["changes"] and proposal.get("supplier_id"):
                key = f"{ctx.idempotency_key}:ack"
                text = "\n".join(
                    f"  {c['po_number']} line {c['line_id']} {c['sku']}: {c['old_price']} -> "
                    f"{c['new_price']} {c['currency']}"
                    for c in proposal["changes"]
                )
                mail.queue(
                    conn, key, to=mail.supplier_address(master, proposal["supplier_id"]),
                    subject="Price change accepted",
                    body=f"We accept the new prices for our open orders:\n{text}\n",
                    purpose="price_change_ack", supplier_id=proposal["supplier_id"],
                )  # fmt: skip
                keys.append(key)
            if mail.first_time(conn, ctx.idempotency_key, "price_change.applied", {}):
                svc.audit.append(
                    conn,
                    stream=f"instance:{ctx.instance_id}",
                    kind="price_change.applied",
                    actor="procureflow",
                    subject=ctx.pointer,
                    payload={"lines": len(applied), "supplier_id": proposal.get("supplier_id")},
                )
        return {"applied": applied, "messages": mail.deliver(svc, keys)}

    def resource(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        proposal = _proposal(args)
        quantities: dict[tuple[str, str], int] = {}
        for c in proposal["changes"]:
            slot = (c["sku"], c["need_by"] or proposal["as_of"])
            quantities[slot] = quantities.get(slot, 0) + int(Decimal(c["quantity"]))
        demands: dict[str, SkuDemand] = {}
        for (sku, need_by), quantity in quantities.items():
            due = date.fromisoformat(need_by)
            current = demands.get(sku)
            if current is not None:
                due = min(due, current.need_by)
                quantity += current.quantity
            demands[sku] = SkuDemand(sku=sku, quantity=quantity, need_by=due)
        plan = None
        if demands:
            mandate = mandate_for(desk.policy, "sourcing")
            output = SourcingAgent().decide(
                sourcing_input(
                    desk.master.load(), list(demands.values()),
                    as_of=date.fromisoformat(proposal["as_of"]), weights=mandate.weights,
                    disrupted_supplier=proposal.get("supplier_id"),
                    plant_location=svc.settings.plant_location,
                    base_currency=svc.settings.base_currency,
                )
            )  # fmt: skip
            plan = output.plans[0].model_dump(mode="json") if output.plans else None
            desk.raise_data_gaps(ctx, [g.model_dump(mode="json") for g in output.data_gaps])
        binding = sorted(
            {b["message"] for s in (plan or {}).get("shortfalls", []) for b in s.get("binding", [])}
        )
        result = {
            "supplier_id": proposal.get("supplier_id"),
            "alternative": plan,
            "covers_all": bool(plan and plan.get("fully_covered")),
            "binding": binding,
        }
        desk.record(
            ctx,
            "price_change.resourced",
            {
                "supplier_id": proposal.get("supplier_id"),
                "alternative_suppliers": sorted(
                    {a["supplier_id"] for a in (plan or {}).get("allocations", [])}
                ),
                "binding": binding,
            },
        )
        return result

    return [
        FunctionSpec("price_change.assess", assess, description="Re-price open POs and forecast"),
        FunctionSpec("price_change.apply", apply, description="Apply accepted prices (once)"),
        FunctionSpec("price_change.resource", resource, description="Alternative supply"),
    ]


def _proposal(args: Mapping[str, Any]) -> dict[str, Any]:
    proposal = args.get("proposal")
    if not isinstance(proposal, Mapping) or "changes" not in proposal:
        raise InvalidInput("needs 'proposal': the output of price_change.assess")
    return dict(proposal)


__all__ = ["pricing_functions"]
