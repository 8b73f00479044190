"""``procureflow.payables.record_event``: a goods receipt or milestone completion sent by
another system as a CloudEvent, recorded exactly as the CLI and API would record it.

What cannot be recorded (unknown PO or line, missing fields, a bad date) is not an
instance fault: it goes to the exception queue for the role that fixes it (receiving for
receipts, project_manager for milestones) and the output says why.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from procureflow.errors import InvalidInput, ProcureFlowError
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.payables_intake import check_receipt
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services


def _day(value: Any, field: str) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidInput(f"{field} {value!r} is not a date YYYY-MM-DD") from None


def _required(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"the event's data has no {name!r}")
    return value.strip()


def record_event(svc: Services, event: dict[str, Any], actor: str) -> dict[str, Any]:
    """Record the receipt or milestone an event reports; returns what was done."""
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    assert isinstance(data, dict)
    stores = payables_stores(svc)
    if event.get("type") == "goods.received":
        receipt_id = _required(data, "receipt_id")
        lines = data.get("lines")
        if not isinstance(lines, dict) or not lines:
            raise InvalidInput("the event's data has no 'lines' {PO line: quantity}")
        po_number, quantities = check_receipt(svc, _required(data, "po_number"), lines)
        created = stores.payables.add_receipt(
            receipt_id, po_number, _day(data.get("received_on"), "received_on"), quantities,
            actor=actor,
        )  # fmt: skip
        return {"recorded": "goods_receipt", "receipt_id": receipt_id, "created": created}
    if event.get("type") == "milestone.completed":
        where = data.get("po_number") or data.get("contract_id")
        if not where:
            raise InvalidInput("the event's data names neither 'po_number' nor 'contract_id'")
        _, created = stores.contracts.complete_milestone(
            str(where), _required(data, "milestone_id"),
            on=_day(data.get("completed_on"), "completed_on"), actor=actor,
        )  # fmt: skip
        return {"recorded": "milestone", "milestone_id": data["milestone_id"], "created": created}
    raise InvalidInput(f"events of type {event.get('type')!r} are not recorded here")


def make_event_functions(svc: Services) -> list[FunctionSpec]:
    """``procureflow.payables.record_event``."""

    def record(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        event = args.get("event")
        if not isinstance(event, dict):
            raise InvalidInput("procureflow.payables.record_event needs 'event'")
        try:
            return record_event(svc, event, f"event:{event.get('source', '')}")
        except ProcureFlowError as exc:
            receipt = event.get("type") == "goods.received"
            exception_queue(svc).raise_exception(
                severity="medium",
                owner_role="receiving" if receipt else "project_manager",
                reason_code="unrecorded_receipt" if receipt else "unrecorded_milestone",
                subject_type="event",
                subject_id=f"{event.get('source', '')}/{event.get('id', '')}"[:200],
                title=f"{event.get('type')} from {event.get('source')} not recorded: {exc}",
                detail={"event": event},
                source=f"playbook:{ctx.workflow.get('name', '')}",
                actor=f"instance:{ctx.instance_id}",
            )
            return {"recorded": None, "problem": str(exc)}

    return [
        FunctionSpec(
            name="procureflow.payables.record_event",
            fn=record,
            description="Record a goods receipt or milestone completion sent as an event",
        )
    ]


__all__ = ["make_event_functions", "record_event"]
