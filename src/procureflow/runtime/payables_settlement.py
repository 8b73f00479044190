"""Settlement functions of contract-to-pay: pick the next invoice of a PO, match it,
authorise and schedule its payment, or reject it.

Matching is 3-way for goods lines and milestone-gated for milestone lines, with the
tolerances below; the result (decision, reason codes, owner role) is stored once per
step. The pay date takes an early-payment discount when its annualised rate beats the
configured cost of capital; the bank details come from the onboarding check of the
contract (validated), never from the invoice.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from procureflow.documents.pain001 import validate_bic, validate_iban
from procureflow.domain.clock import utcnow
from procureflow.domain.matching import MatchMode, match_invoice
from procureflow.domain.matching_rules import MatchingTolerances
from procureflow.domain.payment_schedule import schedule_payment
from procureflow.domain.payment_terms import PaymentTerms, parse_payment_terms
from procureflow.domain.purchase_order import line_key
from procureflow.errors import InvalidInput
from procureflow.runtime.payables_routing import approval_routing
from procureflow.runtime.payables_stores import PayablesStores, payables_stores
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services

PREFIX = "procureflow.payables."

DEFAULT_TOLERANCES: dict[str, Any] = {
    "default": {"price": {"pct": "2", "absolute": "100"}, "quantity": {"pct": "0"}},
    "categories": {"services": {"price": {"pct": "5"}, "quantity": {"pct": "5"}}},
    "charges": {"absolute": "10"},
}


def matching_tolerances(svc: Services) -> MatchingTolerances:
    """The tolerances in force: the configured YAML file, else the shipped defaults.

    Read once per process; a file that does not parse or names unknown keys is refused
    with the file named.
    """
    cached = svc.extras.get("matching_tolerances")
    if isinstance(cached, MatchingTolerances):
        return cached
    path = svc.settings.matching_tolerances_file
    data: Any = DEFAULT_TOLERANCES
    if path is not None:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InvalidInput(
                f"cannot read matching tolerances: {exc}", subject=str(path)
            ) from None
        if not isinstance(data, dict):
            raise InvalidInput("matching tolerances must be a mapping", subject=str(path))
    tolerances = MatchingTolerances.from_mapping(data)
    svc.extras["matching_tolerances"] = tolerances
    return tolerances


def _invoice_id(args: dict[str, Any], name: str) -> str:
    value = args.get("invoice_id")
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{PREFIX}{name} needs 'invoice_id'")
    return value


def match_stored_invoice(
    svc: Services, stores: PayablesStores, invoice_id: str, key: str
) -> dict[str, Any]:
    """Match a stored invoice against its PO, receipts, milestones and earlier invoices."""
    invoice = stores.payables.invoice(invoice_id)
    po_number = invoice.order_reference or ""
    stored = stores.orders.find(po_number) if po_number else None
    po = None
    if stored is not None:
        po = replace(stored.po, milestones=stores.contracts.milestone_values(stored.po.po_number))
    result = match_invoice(
        invoice,
        po,
        stores.payables.receipts(po.po_number) if po else [],
        tolerances=matching_tolerances(svc),
        mode=MatchMode.THREE_WAY,
        previously_invoiced=stores.payables.previously_invoiced(po_number, invoice_id),
        earlier_invoices=stores.payables.earlier_fingerprints(invoice_id, invoice.supplier.key),
        invoice_id=invoice_id,
    )
    stores.payables.record_match(key, invoice_id, result)
    findings = result.findings
    first = next(
        (f for f in findings if f.code.value == "duplicate"), findings[0] if findings else None
    )
    routing = approval_routing(svc, invoice.amount_payable.amount, invoice.currency)
    return {
        "invoice_id": invoice_id,
        "invoice_number": invoice.number,
        "credit_note": invoice.is_credit_note,
        "approval_amount": routing["amount"],
        "chain": routing["chain"],
        "po_number": po_number,
        "supplier_name": invoice.supplier.name,
        "amount": invoice.amount_payable.to_json(),
        "decision": result.decision.value,
        "matched": result.matched,
        "reason_codes": result.reason_codes,
        "reason_code": first.code.value if first else "matched",
        "owner_role": first.owner_role if first else None,
        "title": (
            f"Invoice {invoice.number} from {invoice.supplier.name}: {first.message}"
            if first
            else f"Invoice {invoice.number} matches PO {po_number}"
        ),
        "findings": [f.to_json() for f in findings],
    }


def _contract_terms(
    stores: PayablesStores, po_number: str
) -> tuple[dict[str, Any], PaymentTerms | None]:
    contract = stores.contracts.get(po_number)
    notation = (contract["terms"].get("payment_terms") or {}).get("notation")
    return contract, parse_payment_terms(notation) if notation else None


def _bank_details(stores: PayablesStores, contract: dict[str, Any]) -> tuple[str, str | None]:
    for task in stores.contracts.tasks(contract["contract_id"]):
        if task["task"] == "bank_details" and task["status"] == "done":
            return task["detail"]["iban"], task["detail"].get("bic")
    supplier = contract["terms"].get("supplier") or {}
    owner = contract["supplier_name"]
    if not supplier.get("iban"):
        raise InvalidInput(f"no validated bank details on file for {owner}")
    iban = validate_iban(supplier["iban"], owner=owner)
    bic = validate_bic(supplier["bic"], owner=owner, iban=iban) if supplier.get("bic") else None
    return iban, bic


def authorise_payment(
    svc: Services, stores: PayablesStores, invoice_id: str, approval_id: str | None, key: str
) -> dict[str, Any]:
    """Schedule the approved invoice's payment and keep it for the next bank file."""
    invoice = stores.payables.invoice(invoice_id)
    po_number = invoice.order_reference or ""
    contract, terms = _contract_terms(stores, po_number)
    plan = schedule_payment(
        invoice,
        terms,
        cost_of_capital=Decimal(str(svc.settings.cost_of_capital)),
        today=utcnow().date(),
    )
    iban, bic = _bank_details(stores, contract)
    return stores.payables.add_payment(
        key,
        invoice_id=invoice_id,
        po_number=po_number,
        creditor_name=contract["supplier_name"],
        iban=iban,
        bic=bic,
        amount=plan.amount.amount,
        currency=plan.amount.currency,
        pay_on=plan.pay_on,
        plan=plan.to_json(),
        approval_id=approval_id,
    )


def po_fully_invoiced(stores: PayablesStores, po_number: str) -> bool:
    """True once every PO line has been invoiced in full by counted invoices."""
    stored = stores.orders.find(po_number)
    if stored is None:
        return False
    invoiced = stores.payables.previously_invoiced(po_number, "")
    return all(
        invoiced.get(line_key(line.line_id), Decimal(0)) >= line.quantity
        for line in stored.po.lines
    )


def make_settlement_functions(svc: Services) -> list[FunctionSpec]:
    """``next_invoice``, ``match``, ``record_credit``, ``authorise_payment``, ``reject_invoice``."""
    stores = payables_stores(svc)

    def next_invoice(args: dict[str, Any], _ctx: CallContext) -> dict[str, Any]:
        po_number = str(args.get("po_number") or "")
        waiting = stores.payables.list_invoices(po_number=po_number, status="received")
        return {
            "invoice_id": waiting[0]["invoice_id"] if waiting else None,
            "po_complete": po_fully_invoiced(stores, po_number),
        }

    def match(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return match_stored_invoice(svc, stores, _invoice_id(args, "match"), ctx.idempotency_key)

    def authorise(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        approval_id = args.get("approval_id")
        return authorise_payment(
            svc,
            stores,
            _invoice_id(args, "authorise_payment"),
            str(approval_id) if approval_id else None,
            ctx.idempotency_key,
        )

    def reject(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        invoice_id = _invoice_id(args, "reject_invoice")
        stores.payables.set_invoice_status(
            invoice_id, "rejected", actor=f"instance:{ctx.instance_id}"
        )
        return {"invoice_id": invoice_id, "status": "rejected", "reason": args.get("reason")}

    def record_credit(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        invoice_id = _invoice_id(args, "record_credit")
        stores.payables.set_invoice_status(
            invoice_id, "credited", actor=f"instance:{ctx.instance_id}"
        )
        return {"invoice_id": invoice_id, "status": "credited"}

    described = {
        "next_invoice": (next_invoice, "The PO's oldest invoice not yet matched"),
        "record_credit": (record_credit, "Book a matched credit note against the PO"),
        "match": (match, "Match an invoice 2-/3-way with reason codes"),
        "authorise_payment": (authorise, "Schedule and keep the approved payment"),
        "reject_invoice": (reject, "Reject an invoice"),
    }
    return [
        FunctionSpec(name=PREFIX + name, fn=fn, description=text)
        for name, (fn, text) in described.items()
    ]


__all__ = [
    "DEFAULT_TOLERANCES",
    "authorise_payment",
    "make_settlement_functions",
    "match_stored_invoice",
    "po_fully_invoiced",
]
