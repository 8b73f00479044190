"""How contracts, receipts, milestone completions and invoices enter the platform.

Each function stores what it received (refusing bad input before anything is written)
and then announces it as a CloudEvent — ``contract.signed``, ``goods.received``,
``milestone.completed``, ``invoice.received`` — which starts the contract-to-pay
playbook or wakes the instance waiting for that PO. The CLI, the API and the demo all
call these.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from procureflow.documents.contract_terms import ContractTerms, extract_contract_terms
from procureflow.documents.einvoice.findings import ValidationReport
from procureflow.documents.einvoice.validate import read_einvoice
from procureflow.domain.invoice import Invoice
from procureflow.domain.purchase_order import line_key
from procureflow.errors import InvalidInput, NotFound
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services

EVENT_SOURCE = "procureflow/payables"


def _announce(
    svc: Services, type_: str, event_id: str, data: dict[str, Any], actor: str
) -> dict[str, Any]:
    result = EventDispatcher(svc).ingest(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": EVENT_SOURCE,
            "type": type_,
            "datacontenttype": "application/json",
            "data": data,
        },
        actor=actor,
    )
    return result.to_json()


def sign_terms(svc: Services, terms: ContractTerms, *, actor: str, origin: str) -> dict[str, Any]:
    """Record a contract as signed and announce ``contract.signed`` (once per contract).

    A contract whose supplier is not in the supplier master (or whose category nobody
    states) is kept unlinked and not announced: contract-to-pay would draft a PO and pay
    a supplier nobody vetted. A buyer gets an exception (``contract_supplier_unlinked``)
    saying why; once the master knows the supplier, ingesting the file again links it
    and starts contract-to-pay.
    """
    stores = payables_stores(svc)
    contract, created = stores.contracts.record_signed(terms, actor=actor, origin=origin)
    if contract["supplier_id"] is None:
        return {
            "contract": contract,
            "created": created,
            "event": None,
            "asked": _ask(svc, contract, actor),
        }
    event = _announce(
        svc,
        "contract.signed",
        f"contract.signed:{contract['contract_id']}",
        {"contract_id": contract["contract_id"], "supplier_id": contract["supplier_id"]},
        actor,
    )
    return {"contract": contract, "created": created, "event": event}


def _ask(svc: Services, contract: dict[str, Any], actor: str) -> dict[str, Any]:
    """The exception asking a buyer which supplier an unlinked contract is with."""
    from procureflow.runtime.exception_functions import exception_queue

    why = contract["supplier_link"]["reason"]
    return exception_queue(svc).raise_exception(
        severity="medium",
        owner_role="buyer",
        reason_code="contract_supplier_unlinked",
        subject_type="contract",
        subject_id=contract["contract_id"],
        title=f"Contract {contract['contract_number'] or contract['contract_id']} with "
        f"{contract['supplier_name']} is not linked to a supplier: {why}"[:500],
        detail={
            "supplier_name": contract["supplier_name"],
            "tax_id": (contract["terms"].get("supplier") or {}).get("tax_id"),
            "reason": why,
            "file": contract["source_name"],
        },
        source="contract intake",
        actor=actor,
    )


def sign_contract_file(
    svc: Services, data: bytes, name: str, *, actor: str, origin: str = "upload"
) -> dict[str, Any]:
    """Read a DOCX/PDF contract's terms (a configured language model fills in what the
    rules miss), record it signed and start contract-to-pay."""
    from procureflow.adapters.llm_contracts import terms_model_from_settings

    terms = extract_contract_terms(
        data, name, model=terms_model_from_settings(svc.settings.llm_model)
    )
    return sign_terms(svc, terms, actor=actor, origin=origin)


def sign_ocds_release(
    svc: Services, data: bytes, name: str, *, actor: str, payment_terms: str = "net 30"
) -> list[dict[str, Any]]:
    """Record every signed contract of an OCDS release package and start contract-to-pay."""
    from procureflow.documents.contract_terms.ocds import contracts_from_ocds

    found = contracts_from_ocds(data, name, payment_terms=payment_terms)
    return [sign_terms(svc, terms, actor=actor, origin="ocds") for terms in found]


def _intake_problem(svc: Services, invoice: Invoice) -> tuple[str, str] | None:
    """Why no contract-to-pay instance will pick this invoice up, or None when one will.

    An invoice quoting a PO still awaiting approval waits for it (the instance matches
    it once the PO is issued)."""
    from procureflow.runtime.payables_functions import po_number_for
    from procureflow.runtime.payables_settlement import po_fully_invoiced

    stores = payables_stores(svc)
    reference = invoice.order_reference
    if not reference:
        return "missing_po", "quotes no purchase order"
    if stores.orders.find(reference) is None:
        pending = any(
            c["status"] == "signed" and po_number_for(c) == reference
            for c in stores.contracts.list_contracts()
        )
        return None if pending else ("missing_po", f"quotes {reference}, which is no open PO")
    if not invoice.is_credit_note and po_fully_invoiced(stores, reference):
        return "po_fully_invoiced", f"quotes {reference}, which is invoiced in full already"
    return None


def _hold_for_review(
    svc: Services,
    stored: dict[str, Any],
    invoice: Invoice,
    report: ValidationReport,
    *,
    name: str,
    actor: str,
) -> None:
    """Raise the accounts-payable exception for an invoice validation found invalid."""
    from procureflow.runtime.exception_functions import exception_queue

    credit = "PF-CREDIT-AS-INVOICE" in report.rules()
    exception_queue(svc).raise_exception(
        severity="high",
        owner_role="accounts_payable",
        reason_code="credit_note_as_invoice" if credit else "invalid_einvoice",
        subject_type="invoice",
        subject_id=stored["invoice_id"],
        title=(
            f"Invoice {invoice.number} from {invoice.supplier.name} is held: {report.summary()}"
        )[:500],
        detail={
            "po_number": invoice.order_reference,
            "file": name,
            "rules": report.rules(),
            "findings": [f.to_json() for f in report.fatal[:50]],
        },
        source="invoice intake",
        actor=actor,
    )


def receive_invoice(svc: Services, data: bytes, name: str, *, actor: str) -> dict[str, Any]:
    """Read and validate an e-invoice, keep it with what validation found, announce it.

    A file that cannot be read at all is refused before anything is stored. An invoice
    the official artefacts find invalid (XSD, EN 16931 / Factur-X schematron, PDF/A-3
    container, a credit note coded as an invoice) is kept ``held`` with its findings and
    goes to accounts payable's exception queue: it is never matched or paid as it
    stands. A valid invoice no playbook will match (no or unknown PO, a PO invoiced in
    full) goes to the exception queue for accounts payable at once."""
    checked = read_einvoice(data, name)
    invoice, report = checked.invoice, checked.report
    stores = payables_stores(svc)
    stored = stores.payables.add_invoice(
        invoice,
        file_name=name,
        actor=actor,
        validation=report.to_json(),
        status="received" if report.valid else "held",
    )
    problem = None if not report.valid else _intake_problem(svc, invoice)
    if not report.valid:
        _hold_for_review(svc, stored, invoice, report, name=name, actor=actor)
    elif problem is not None:
        from procureflow.runtime.exception_functions import exception_queue

        reason, why = problem
        exception_queue(svc).raise_exception(
            severity="medium",
            owner_role="accounts_payable",
            reason_code=reason,
            subject_type="invoice",
            subject_id=stored["invoice_id"],
            title=f"Invoice {invoice.number} from {invoice.supplier.name} {why}",
            detail={"po_number": invoice.order_reference, "file": name},
            source="invoice intake",
            actor=actor,
        )
        stores.payables.set_invoice_status(stored["invoice_id"], "exception", actor=actor)
        stored = stores.payables.get_invoice(stored["invoice_id"])
    event = _announce(
        svc,
        "invoice.received",
        f"invoice.received:{stored['invoice_id']}",
        {"invoice_id": stored["invoice_id"], "po_number": stored["po_number"]},
        actor,
    )
    return {"invoice": stored, "event": event}


def _quantities(lines: Mapping[str, Any]) -> dict[str, Decimal]:
    parsed: dict[str, Decimal] = {}
    for line, raw in lines.items():
        try:
            quantity = Decimal(str(raw))
        except InvalidOperation:
            raise InvalidInput(f"line {line}: quantity {raw!r} is not a number") from None
        if not quantity.is_finite() or quantity == 0:
            raise InvalidInput(f"line {line}: quantity must be a non-zero number, got {raw!r}")
        parsed[str(line)] = quantity
    return parsed


def check_receipt(
    svc: Services, po_number: str, lines: Mapping[str, Any]
) -> tuple[str, dict[str, Decimal]]:
    """The PO's number and the parsed quantities; NotFound / InvalidInput naming the PO or
    line that is wrong."""
    order = payables_stores(svc).orders.find(po_number)
    if order is None:
        raise NotFound(f"no purchase order {po_number}", subject=po_number)
    quantities = _quantities(lines)
    known = {line_key(line.line_id) for line in order.po.lines}
    unknown = [line for line in quantities if line_key(line) not in known]
    if unknown:
        raise InvalidInput(
            f"PO {po_number} has no line {', '.join(unknown)} (lines: "
            f"{', '.join(line.line_id for line in order.po.lines)})",
            subject=po_number,
        )
    return order.po.po_number, quantities


def record_receipt(
    svc: Services,
    *,
    receipt_id: str,
    po_number: str,
    lines: Mapping[str, Any],
    received_on: date,
    actor: str,
) -> dict[str, Any]:
    """Record goods received against a PO's lines and announce ``goods.received``."""
    number, quantities = check_receipt(svc, po_number, lines)
    created = payables_stores(svc).payables.add_receipt(
        receipt_id, number, received_on, quantities, actor=actor
    )
    event = _announce(
        svc,
        "goods.received",
        f"goods.received:{receipt_id}",
        {
            "receipt_id": receipt_id,
            "po_number": number,
            "lines": {k: str(v) for k, v in quantities.items()},
        },
        actor,
    )
    return {"receipt_id": receipt_id, "po_number": number, "created": created, "event": event}


def complete_milestone(
    svc: Services, *, po_or_contract: str, milestone_id: str, on: date, actor: str
) -> dict[str, Any]:
    """Record a milestone completed and announce ``milestone.completed``."""
    milestone, created = payables_stores(svc).contracts.complete_milestone(
        po_or_contract, milestone_id, on=on, actor=actor
    )
    event = _announce(
        svc,
        "milestone.completed",
        f"milestone.completed:{milestone['contract_id']}:{milestone_id}",
        {
            "contract_id": milestone["contract_id"],
            "po_number": milestone["po_number"],
            "milestone_id": milestone_id,
        },
        actor,
    )
    return {"milestone": milestone, "created": created, "event": event}


__all__ = [
    "EVENT_SOURCE",
    "check_receipt",
    "complete_milestone",
    "receive_invoice",
    "record_receipt",
    "sign_contract_file",
    "sign_ocds_release",
    "sign_terms",
]
