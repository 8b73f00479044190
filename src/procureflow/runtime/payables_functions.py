"""Custom functions of the contract-to-pay playbook (``procureflow.payables.*``).

Signature fan-out: ``contract`` (summary), ``onboard`` (checklist), ``draft_po`` and
``issue_po`` (PO from the extracted terms, issued once approved), ``workspace``
(milestones), ``compliance`` (certificates and expiry). Settlement (in
:mod:`procureflow.runtime.payables_settlement`): ``next_invoice``, ``match``,
``authorise_payment``, ``reject_invoice``. Every side effect is keyed so a retried step
writes nothing twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from procureflow.documents.contract_terms import ContractTerms
from procureflow.domain.clock import utcnow
from procureflow.domain.purchase_order import Milestone, PurchaseOrder, PurchaseOrderLine
from procureflow.errors import InvalidInput
from procureflow.runtime.payables_onboarding import record_compliance, run_onboarding
from procureflow.runtime.payables_routing import approval_routing
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services

PREFIX = "procureflow.payables."


def po_number_for(contract: dict[str, Any]) -> str:
    """The PO number a contract's order gets: ``PO-<contract number>``."""
    base = contract["contract_number"] or contract["contract_id"].removeprefix("ct-")[:12]
    return f"PO-{base}".upper()[:100]


def draft_purchase_order(
    contract: dict[str, Any], terms: ContractTerms, issue_date: date
) -> PurchaseOrder:
    """The PO the contract's terms describe.

    Priced items become goods lines (3-way matched against receipts); milestones become
    one line each billed by milestone; a contract with neither becomes one service line
    of its whole value (2-way). A contract not linked to a supplier of the master gets
    no PO (InvalidInput): nobody would know whom it pays.
    """
    if not contract["supplier_id"] or not contract["category"]:
        raise InvalidInput(
            f"contract {contract['contract_id']} is not linked to a supplier of the master; "
            "no purchase order is drafted until a buyer links it",
            subject=contract["contract_id"],
        )
    category = contract["category"]
    lines: list[PurchaseOrderLine] = [
        PurchaseOrderLine(
            line_id=str(index),
            description=item.description,
            quantity=item.quantity,
            unit_price=item.unit_price,
            sku=item.sku,
            category=category,
        )
        for index, item in enumerate(terms.items, start=1)
    ]
    for milestone in terms.milestones:
        lines.append(
            PurchaseOrderLine(
                line_id=str(len(lines) + 1),
                description=milestone.name,
                quantity=Decimal(1),
                unit_price=milestone.amount,
                category=category,
                milestone_id=milestone.milestone_id,
                requires_receipt=False,
            )
        )
    value = Decimal(contract["value"]["amount"])
    if not lines:
        lines.append(
            PurchaseOrderLine(
                line_id="1",
                description=terms.title or f"Contract {contract['contract_number'] or ''}".strip(),
                quantity=Decimal(1),
                unit_price=value,
                category=category,
                requires_receipt=False,
            )
        )
    return PurchaseOrder(
        po_number=po_number_for(contract),
        supplier_id=contract["supplier_id"],
        currency=contract["value"]["currency"],
        lines=tuple(lines),
        issue_date=issue_date,
        payment_terms=terms.payment_terms.notation if terms.payment_terms else None,
        supplier_tax_id=terms.supplier.tax_id if terms.supplier else None,
        milestones=tuple(
            Milestone(m.milestone_id, m.name, m.amount, m.due_date) for m in terms.milestones
        ),
    )


def _po_action(po: PurchaseOrder, contract: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "purchase_order",
        "po_number": po.po_number,
        "contract_id": contract["contract_id"],
        "supplier_id": po.supplier_id,
        "supplier_name": contract["supplier_name"],
        "category": contract["category"],
        "amount": {"amount": str(po.total), "currency": po.currency},
        "payment_terms": po.payment_terms,
        "lines": [
            {
                "line_id": line.line_id,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "milestone_id": line.milestone_id,
            }
            for line in po.lines
        ],
    }


def _contract_id(args: dict[str, Any], name: str) -> str:
    value = args.get("contract_id")
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{PREFIX}{name} needs 'contract_id'")
    return value


def make_signature_functions(svc: Services) -> list[FunctionSpec]:
    """What a signed contract fans out to."""
    stores = payables_stores(svc)

    def contract(args: dict[str, Any], _ctx: CallContext) -> dict[str, Any]:
        found = stores.contracts.get(_contract_id(args, "contract"))
        return {
            "contract_id": found["contract_id"],
            "contract_number": found["contract_number"],
            "po_number": po_number_for(found),
            "supplier_id": found["supplier_id"],
            "supplier_name": found["supplier_name"],
            "category": found["category"],
            "value": found["value"],
        }

    def onboard(args: dict[str, Any], _ctx: CallContext) -> dict[str, Any]:
        return run_onboarding(stores, _contract_id(args, "onboard"), utcnow().date())

    def draft_po(args: dict[str, Any], _ctx: CallContext) -> dict[str, Any]:
        contract_id = _contract_id(args, "draft_po")
        found = stores.contracts.get(contract_id)
        po = draft_purchase_order(found, stores.contracts.terms(contract_id), utcnow().date())
        action = _po_action(po, found)
        routing = approval_routing(svc, po.total, po.currency)
        return {
            "po_number": po.po_number,
            "action": action,
            "amount": routing["amount"],
            "chain": routing["chain"],
            "routing_note": routing["note"],
            "category": found["category"],
        }

    def issue_po(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        contract_id = _contract_id(args, "issue_po")
        found = stores.contracts.get(contract_id)
        po = draft_purchase_order(found, stores.contracts.terms(contract_id), utcnow().date())
        if not args.get("approved"):
            stores.contracts.set_po(contract_id, po.po_number, "po_rejected")
            return {"po_number": po.po_number, "issued": False, "status": "rejected"}
        po_id = stores.orders.create_po(
            po,
            ctx.idempotency_key,
            origin=f"contract:{contract_id}",
            extra={"contract_id": contract_id, "approval_id": args.get("approval_id")},
            actor=f"instance:{ctx.instance_id}",
        )
        stores.contracts.set_po(contract_id, po.po_number, "active")
        return {"po_number": po.po_number, "po_id": po_id, "issued": True, "status": "open"}

    def workspace(args: dict[str, Any], _ctx: CallContext) -> dict[str, Any]:
        contract_id = _contract_id(args, "workspace")
        found = stores.contracts.get(contract_id)
        terms = stores.contracts.terms(contract_id)
        stores.contracts.add_milestones(
            contract_id,
            po_number_for(found),
            found["value"]["currency"],
            (Milestone(m.milestone_id, m.name, m.amount, m.due_date) for m in terms.milestones),
        )
        return {"contract_id": contract_id, "milestones": stores.contracts.milestones(contract_id)}

    def compliance(args: dict[str, Any], _ctx: CallContext) -> dict[str, Any]:
        return record_compliance(stores, _contract_id(args, "compliance"), utcnow().date())

    described = {
        "contract": (contract, "The signed contract's summary"),
        "onboard": (
            onboard,
            "Supplier onboarding checklist (bank, tax id, certificates, screening)",
        ),
        "draft_po": (draft_po, "Draft the PO from the contract's terms"),
        "issue_po": (issue_po, "Issue the approved PO (once per step)"),
        "workspace": (workspace, "Project workspace with the contract's milestones"),
        "compliance": (compliance, "Compliance record with certificate expiry dates"),
    }
    return [
        FunctionSpec(name=PREFIX + name, fn=fn, description=text)
        for name, (fn, text) in described.items()
    ]


def make_payables_functions(svc: Services) -> list[FunctionSpec]:
    """Every ``procureflow.payables.*`` function."""
    from procureflow.runtime.payables_events import make_event_functions
    from procureflow.runtime.payables_settlement import make_settlement_functions

    return [
        *make_signature_functions(svc),
        *make_settlement_functions(svc),
        *make_event_functions(svc),
    ]


__all__ = [
    "draft_purchase_order",
    "make_payables_functions",
    "make_signature_functions",
    "po_number_for",
]
