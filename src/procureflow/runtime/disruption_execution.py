"""Requests for quote and the execution of an approved recovery plan.

* ``disruption.rfq {assessment, proposal, hours}`` — one request per supplier of the
  plan, each with a signed link to confirm and one to decline (valid ``hours``, default
  72); the output names the round the answers correlate on and the wait's timeout.
* ``disruption.execute {assessment, proposal}`` — new POs to the plan's suppliers, the
  delayed POs reduced by what they now supply, and a message to every supplier
  concerned; all in one transaction keyed on the step, so it happens exactly once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procureflow.agents.message_writing import written_message
from procureflow.domain.master import MasterDataSet
from procureflow.domain.purchase_order import PurchaseOrder, PurchaseOrderLine
from procureflow.domain.sourcing_plans import Allocation, SourcingPlan
from procureflow.errors import InvalidInput
from procureflow.runtime import disruption_messages as mail
from procureflow.runtime.disruption_links import RfqClaim, expiry_after, sign_rfq
from procureflow.runtime.ports import CallContext, FunctionSpec

if TYPE_CHECKING:
    from procureflow.runtime.disruption_functions import DisruptionDesk

DEFAULT_RFQ_HOURS = 72.0


def _short(text: str, size: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size].upper()


def _proposal(args: Mapping[str, Any]) -> tuple[dict[str, Any], SourcingPlan]:
    proposal = args.get("proposal")
    if not isinstance(proposal, Mapping) or not proposal.get("found"):
        raise InvalidInput("needs 'proposal': a found plan from disruption.plan")
    return dict(proposal), SourcingPlan.model_validate(proposal["plan"])


def _by_supplier(plan: SourcingPlan) -> dict[str, list[Allocation]]:
    grouped: dict[str, list[Allocation]] = {}
    for allocation in plan.allocations:
        grouped.setdefault(allocation.supplier_id, []).append(allocation)
    return grouped


def link_base(desk: DisruptionDesk) -> str:
    """Where suppliers reach the API: the public URL when set, else host and port."""
    settings = desk.svc.settings
    root = settings.public_url or f"http://{settings.host}:{settings.port}"
    return f"{root.rstrip('/')}/api/v1/rfq"


def execution_functions(desk: DisruptionDesk) -> list[FunctionSpec]:
    """``disruption.rfq`` and ``disruption.execute``."""
    svc = desk.svc

    def rfq(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        proposal, plan = _proposal(args)
        hours = float(args.get("hours") or DEFAULT_RFQ_HOURS)
        if hours <= 0:
            raise InvalidInput("disruption.rfq: 'hours' must be positive")
        # the validity comes from event data: never longer than the setting allows
        hours = min(hours, svc.settings.rfq_link_max_hours)
        round_id = f"R-{_short(ctx.idempotency_key, 12)}"
        grouped = _by_supplier(plan)
        expires = expiry_after(hours)
        master = desk.master.load()
        requests = []
        messages = []
        # Compose (and, with a model configured, have it rewritten) before the write
        # transaction: nothing slow may run while the store's write lock is held.
        for index, (supplier_id, allocations) in enumerate(sorted(grouped.items()), 1):
            rfq_id = f"RFQ-{round_id[2:10]}-{index}"
            claim = RfqClaim(
                rfq_id=rfq_id,
                round_id=round_id,
                supplier_id=supplier_id,
                instance_id=ctx.instance_id,
                expected=len(grouped),
                expires_at=expires,
            )
            token = sign_rfq(claim, svc.settings.secret_key.get_secret_value())
            confirm = f"{link_base(desk)}/{token}/confirm"
            decline = f"{link_base(desk)}/{token}/decline"
            lines = "\n".join(
                f"  {a.sku}: {a.quantity} pcs at {a.unit_price.amount} "
                f"{a.unit_price.currency}, delivered to our plant by {a.arrival_date}"
                for a in allocations
            )
            draft = (
                f"Request for quote {rfq_id}\n\nPlease confirm that you can supply:\n"
                f"{lines}\n\nConfirm: {confirm}\nDecline: {decline}\n\n"
                f"The links are valid until {expires.isoformat()}. Answering through "
                f"our supplier portal instead, quote round {round_id}."
            )
            required = [rfq_id, round_id, confirm, decline]
            for a in allocations:
                required += [a.sku, str(a.quantity), str(a.unit_price.amount)]
            body, written_by = written_message(
                desk.writer, purpose="request for quote", draft=draft, required=required
            )
            to = mail.supplier_address(master, supplier_id)
            messages.append(
                (f"{ctx.idempotency_key}:rfq:{supplier_id}", to, rfq_id, body, supplier_id)
            )
            requests.append(
                {
                    "rfq_id": rfq_id,
                    "supplier_id": supplier_id,
                    "to": to,
                    "confirm_url": confirm,
                    "decline_url": decline,
                    "skus": [a.sku for a in allocations],
                    "written_by": written_by,
                }
            )
        keys = [key for key, *_ in messages]
        with svc.engine.begin() as conn:
            for key, to, rfq_id, body, supplier_id in messages:
                mail.queue(
                    conn, key, to=to, subject=f"Request for quote {rfq_id}", body=body,
                    purpose="rfq", supplier_id=supplier_id,
                )  # fmt: skip
            if mail.first_time(conn, ctx.idempotency_key, "rfq.sent", {}):
                svc.audit.append(
                    conn,
                    stream=f"instance:{ctx.instance_id}",
                    kind="rfq.sent",
                    actor="procureflow",
                    subject=ctx.pointer,
                    payload={
                        "round": round_id,
                        "rank": proposal.get("rank"),
                        "requests": [
                            {k: r[k] for k in ("rfq_id", "supplier_id", "to")} for r in requests
                        ],
                        "expires_at": expires.isoformat(),
                    },
                )
        states = mail.deliver(svc, keys)
        for request, key in zip(requests, keys, strict=True):
            request["delivery"] = states.get(key, "outbox")
        return {
            "round": round_id,
            "expected": len(grouped),
            "requests": requests,
            "expires_at": expires.isoformat(),
            "timeout": f"PT{max(1, round(hours * 3600))}S",
        }

    def execute(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        _, plan = _proposal(args)
        assessment = dict(args.get("assessment") or {})
        master = desk.master.load()
        with svc.engine.begin() as conn:
            created, ordered, keys = _place_orders(desk, conn, ctx, master, plan, assessment)
            reduced, more = _reduce_delayed(desk, conn, ctx, master, assessment, ordered)
            if mail.first_time(conn, ctx.idempotency_key, "disruption.executed", {}):
                svc.audit.append(
                    conn,
                    stream=f"instance:{ctx.instance_id}",
                    kind="disruption.executed",
                    actor="procureflow",
                    subject=ctx.pointer,
                    payload={"purchase_orders": created, "reduced": reduced},
                )
        states = mail.deliver(svc, keys + more)
        return {"purchase_orders": created, "reduced": reduced, "messages": states}

    return [
        FunctionSpec("disruption.rfq", rfq, description="Requests for quote with signed links"),
        FunctionSpec("disruption.execute", execute, description="POs, reductions, messages (once)"),
    ]


def _place_orders(
    desk: DisruptionDesk,
    conn: Any,
    ctx: CallContext,
    master: MasterDataSet,
    plan: SourcingPlan,
    assessment: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, int], list[str]]:
    """One PO per supplier of the plan and its message; what was ordered per SKU."""
    key = ctx.idempotency_key
    created = []
    keys = []
    ordered: dict[str, int] = {}
    for supplier_id, allocations in sorted(_by_supplier(plan).items()):
        supplier = master.supplier(supplier_id)
        number = f"PO-R{_short(f'{key}:{supplier_id}')}"
        po = PurchaseOrder(
            po_number=number,
            supplier_id=supplier_id,
            currency=allocations[0].unit_price.currency,
            payment_terms=supplier.payment_terms if supplier else None,
            issue_date=ctx.durability.now().date(),
            lines=tuple(
                PurchaseOrderLine(
                    line_id=str(i),
                    description=item.description if (item := master.item(a.sku)) else a.sku,
                    quantity=Decimal(a.quantity),
                    unit_price=a.unit_price.amount,
                    sku=a.sku,
                    unit_code=item.unit if item else "pcs",
                    category="direct-materials",
                )
                for i, a in enumerate(allocations, start=1)
            ),
        )
        po_id = desk.orders.create_po(
            po,
            f"{key}:po:{supplier_id}",
            conn=conn,
            origin=ctx.instance_id,
            need_by={str(i): a.arrival_date for i, a in enumerate(allocations, start=1)},
            extra={"recovery_for": list(assessment.get("po_numbers") or [])},
        )
        for a in allocations:
            ordered[a.sku.upper()] = ordered.get(a.sku.upper(), 0) + a.quantity
        created.append(
            {
                "po_id": po_id,
                "po_number": number,
                "supplier_id": supplier_id,
                "currency": po.currency,
                "total": str(po.total),
            }
        )
        body = "\n".join(
            f"  {line.sku}: {line.quantity} {line.unit_code} at {line.unit_price} {po.currency}"
            for line in po.lines
        )
        message_key = f"{key}:po:{supplier_id}"
        mail.queue(
            conn, message_key, to=mail.supplier_address(master, supplier_id),
            subject=f"Purchase order {number}", body=f"Purchase order {number}\n\n{body}\n",
            purpose="purchase_order", supplier_id=supplier_id,
        )  # fmt: skip
        keys.append(message_key)
    return created, ordered, keys


def _reduce_delayed(
    desk: DisruptionDesk,
    conn: Any,
    ctx: CallContext,
    master: MasterDataSet,
    assessment: Mapping[str, Any],
    ordered: dict[str, int],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The delayed POs reduced by what the plan now buys elsewhere, each supplier told."""
    key = ctx.idempotency_key
    reduced = []
    keys = []
    left = dict(ordered)
    for number in assessment.get("po_numbers") or []:
        stored = desk.orders.find(number, conn=conn)
        if stored is None:
            continue
        changes = []
        for line in stored.po.lines:
            sku = (line.sku or "").upper()
            change_key = f"{key}:reduce:{stored.po.po_number}:{line.line_id}"
            done = desk.orders.applied_change(change_key, conn=conn)
            if done is not None:  # a replay of this step: report what the first run did
                before, after = (
                    Decimal(done["before"]["quantity"]),
                    Decimal(done["after"]["quantity"]),
                )
            else:
                before = line.quantity
                after = before - min(before, Decimal(left.get(sku, 0)))
                if after == before:
                    continue
                desk.orders.reduce_quantity(
                    stored.po_id, line.line_id, after, change_key,
                    reason=f"recovery plan of {ctx.instance_id} sources {before - after} elsewhere",
                    conn=conn,
                )  # fmt: skip
            left[sku] = left.get(sku, 0) - int(before - after)
            changes.append(
                {
                    "line_id": line.line_id,
                    "sku": line.sku,
                    "before": str(before),
                    "after": str(after),
                }
            )
        if not changes:
            continue
        reduced.append({"po_number": stored.po.po_number, "lines": changes})
        text = "\n".join(
            f"  line {c['line_id']} {c['sku']}: {c['before']} -> {c['after']}" for c in changes
        )
        message_key = f"{key}:reduce:{stored.po.po_number}"
        mail.queue(
            conn, message_key, to=mail.supplier_address(master, stored.po.supplier_id),
            subject=f"Change to purchase order {stored.po.po_number}",
            body=f"We reduce purchase order {stored.po.po_number}:\n{text}\n",
            purpose="po_reduction", supplier_id=stored.po.supplier_id,
        )  # fmt: skip
        keys.append(message_key)
    return reduced, keys


__all__ = ["DEFAULT_RFQ_HOURS", "execution_functions", "link_base"]
