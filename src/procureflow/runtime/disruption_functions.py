"""Custom functions of the supply-disruption playbook (``disruption.*``).

Each is one durable step: its result is kept with the task, so a crash resumes after
it and never repeats it; side effects (POs, reductions, messages) are keyed on the
step's idempotency key as well, so even a step re-run after a crash writes nothing twice.

* ``disruption.assess {event}`` — the Risk Monitor's reading of the triggering mail or
  portal notice, reduced to the facts the playbook needs (supplier, SKUs, POs, delay,
  impact, sourcing demand).
* ``disruption.source {assessment, exclude}`` — sourcing's ranked plans (MILP).
* ``disruption.comply {assessment}`` — damages owed for the delay, vetting of alternatives.
* ``disruption.plan {assessment, sourcing, compliance, exclude}`` — the best plan still
  open, with logistics, finance and the guard facts; ``found: false`` when none is left.
* ``disruption.record {kind, payload}`` — an outcome on the instance's audit stream.
* ``disruption.rfq`` and ``disruption.execute`` live in ``disruption_execution``, the
  price-change functions in ``disruption_pricing``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.adapters.llm import message_writer_from_settings
from procureflow.agents.message_writing import MessageWriter
from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.agents.risk_monitor_notice import notice_from_event
from procureflow.errors import InvalidInput
from procureflow.policies import Policy, load_default_policy
from procureflow.runtime import disruption_planning as planning
from procureflow.runtime.disruption_baselines import delayed_deliveries
from procureflow.runtime.disruption_messages import first_time
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services

MASTER_DATA_OWNER = "category_manager"
"""Who is asked to fix a master-data gap: the category manager owns the suppliers,
offers and lanes of their category (no separate master-data role exists)."""


class DisruptionDesk:
    """What the disruption functions share: master data, orders, policy, audit."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.master = MasterDataRepository(svc.engine)
        self.orders = PurchaseOrderStore(svc.engine, svc.audit)
        self._default_writer = message_writer_from_settings(svc.settings.llm_model)

    @property
    def writer(self) -> MessageWriter | None:
        """Who rewrites supplier messages: a model when one is configured, else nobody."""
        chosen: MessageWriter | None = self.svc.extras.get("message_writer")
        return chosen or self._default_writer

    @property
    def policy(self) -> Policy:
        """The policy in force."""
        policy: Policy | None = self.svc.extras.get("policy")
        return policy or load_default_policy()

    def context(self) -> planning.PlanningContext:
        """Master data snapshot, policy, plant and base currency for one planning step."""
        return planning.PlanningContext(
            master=self.master.load(),
            policy=self.policy,
            plant_location=self.svc.settings.plant_location,
            base_currency=self.svc.settings.base_currency,
        )

    def record(self, ctx: CallContext, kind: str, payload: Mapping[str, Any]) -> None:
        """One audit entry on the instance's stream, once per step (a re-run adds none)."""
        with self.svc.engine.begin() as conn:
            if first_time(conn, ctx.idempotency_key, kind, {}):
                self.svc.audit.append(
                    conn,
                    stream=f"instance:{ctx.instance_id}",
                    kind=kind,
                    actor="procureflow",
                    subject=ctx.pointer,
                    payload=dict(payload),
                )

    def open_orders_json(self) -> list[dict[str, Any]]:
        """Every open PO as JSON (for the finance baseline and PO reductions)."""
        return [po.to_json() for po in self.orders.list(open_only=True)]

    def delayed_deliveries(self, assessment: Mapping[str, Any]) -> dict[str, Any] | None:
        """Value of the deliveries the notice delays (the damages basis), when known."""
        orders = self.open_orders_json()
        held = {po["po_number"] for po in orders}
        for number in assessment.get("po_numbers") or []:
            if number not in held and (stored := self.orders.find(number)) is not None:
                orders.append(stored.to_json())
        return delayed_deliveries(assessment, orders)

    def raise_data_gaps(self, ctx: CallContext, gaps: Iterable[Mapping[str, Any]]) -> None:
        """One exception per missing datum for the people who keep master data.

        The plan goes on without what the gap touched; the queue keeps one open
        exception per gap (a repeat bumps it), so a bad row is fixed once, not hunted
        down in failed instances.
        """
        queue = exception_queue(self.svc)
        for gap in gaps:
            queue.raise_exception(
                severity="medium",
                owner_role=MASTER_DATA_OWNER,
                reason_code=f"master_data.missing_{gap['kind']}",
                subject_type="master-data",
                subject_id=f"{gap['kind']}:{gap['key']}",
                title=f"Master data gap: {gap['message']}",
                detail={"dropped": gap["dropped"], "instance_id": ctx.instance_id},
                source=f"playbook:{ctx.workflow.get('name', '')}",
                actor=f"instance:{ctx.instance_id}",
            )


def reading_of_event(desk: DisruptionDesk, event: Mapping[str, Any]) -> RiskMonitorOutput:
    """The Risk Monitor's reading carried by a mail event, or made from a portal notice."""
    data = event.get("data")
    if not isinstance(data, Mapping):
        raise InvalidInput(f"event {event.get('id')!r} carries no data to read")
    if "reading" in data:
        return RiskMonitorOutput.model_validate(data["reading"])
    notice = notice_from_event(str(event.get("type")), data)
    agent = RiskMonitorAgent(desk.master)  # a portal notice is structured: no text to read
    as_of = data.get("as_of")
    return agent.decide(
        RiskMonitorInput(notice=notice, message_id=str(event.get("id")), as_of=as_of)
    )


def make_disruption_functions(svc: Services) -> list[FunctionSpec]:
    """The ``disruption.*`` functions (see the module doc)."""
    from procureflow.runtime.disruption_execution import execution_functions
    from procureflow.runtime.disruption_pricing import pricing_functions

    desk = DisruptionDesk(svc)

    def assess(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        event = args.get("event")
        if not isinstance(event, Mapping):
            raise InvalidInput("disruption.assess needs 'event': the triggering CloudEvent")
        reading = reading_of_event(desk, event)
        result = planning.assess(reading)
        delayed = desk.delayed_deliveries(result)
        result["delayed_deliveries"] = delayed
        result["delayed_po_value"] = delayed["value"] if delayed else None
        desk.record(
            ctx,
            "disruption.assessed",
            {
                key: result[key]
                for key in ("supplier_id", "skus", "po_numbers", "delay_days", "severity")
            }
            | {"unknown_sender": result["unknown_sender"], "demands": result["demands"]},
        )
        return result

    def source(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:  # noqa: ARG001
        # the gaps travel in the result; disruption.plan raises them once
        return planning.run_sourcing(
            desk.context(), _assessment(args), [str(s) for s in args.get("exclude") or []]
        )

    def comply(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:  # noqa: ARG001
        assessment = _assessment(args)
        delayed = assessment.get("delayed_deliveries") or {}
        value = assessment.get("delayed_po_value")
        return planning.run_compliance(
            desk.context(),
            assessment,
            Decimal(str(value)) if value is not None else None,
            delayed.get("currency"),
        )

    def plan(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        assessment = _assessment(args)
        sourcing = args.get("sourcing") or {}
        compliance = args.get("compliance") or {}
        exclude = [str(s) for s in args.get("exclude") or []]
        result = planning.choose_plan(
            desk.context(), assessment, sourcing, compliance, exclude, desk.open_orders_json()
        )
        desk.raise_data_gaps(ctx, result.get("data_gaps") or [])
        if not result["found"]:
            desk.record(ctx, "disruption.no_plan", result)
            return result
        evaluation = result
        action = evaluation["facts"]["action"]
        desk.record(
            ctx,
            "disruption.planned",
            {
                "rank": result["rank"],
                "suppliers": evaluation["suppliers"],
                "amount": action["amount"],
                "extra_cost": action["extra_cost"],
                "price_increase_pct": action["price_increase_pct"],
                "excluded": exclude,
            },
        )
        return result

    def record(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        kind = str(args.get("kind") or "")
        if not kind.startswith(("disruption.", "price_change.")):
            raise InvalidInput(
                "disruption.record needs 'kind' starting with disruption. or price_change."
            )
        payload = dict(args.get("payload") or {})
        desk.record(ctx, kind, payload)
        return {"kind": kind, **payload}

    specs = [
        FunctionSpec("disruption.assess", assess, description="Read the notice: supplier, items, delay, impact"),
        FunctionSpec("disruption.source", source, description="Ranked sourcing plans (MILP)"),
        FunctionSpec("disruption.comply", comply, description="Damages owed and vetting"),
        FunctionSpec("disruption.plan", plan, description="Best open plan with logistics, finance, guard facts"),
        FunctionSpec("disruption.record", record, description="Write an outcome to the audit ledger"),
    ]  # fmt: skip
    return specs + execution_functions(desk) + pricing_functions(desk)


def _assessment(args: Mapping[str, Any]) -> dict[str, Any]:
    assessment = args.get("assessment")
    if not isinstance(assessment, Mapping) or "as_of" not in assessment:
        raise InvalidInput("needs 'assessment': the output of disruption.assess")
    return dict(assessment)


__all__ = ["DisruptionDesk", "make_disruption_functions", "reading_of_event"]
