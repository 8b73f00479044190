"""Shared steps of the contract-to-pay end-to-end tests: people, signing the sample
contract, deciding approvals, waiting for the instance to listen or raise an exception."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa

from procureflow.adapters.db.tables import subscriptions
from procureflow.demo.contracts import sample_contract_docx
from procureflow.demo.scenarios.contract_to_pay import add_sample_supplier
from procureflow.runtime.approvals import decide
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.payables_intake import receive_invoice, sign_contract_file
from procureflow.runtime.payables_stores import payables_stores
from procureflow.runtime.services import Services
from tests.factories_payables import Line, ubl_invoice

T = TypeVar("T")
PEOPLE = {
    "cara": ["category_manager"],
    "bea": ["budget_owner"],
    "felix": ["cfo"],
    "paul": ["accounts_payable"],
    "rita": ["buyer"],
}
PRICE = Decimal("1500.00")


def add_people(svc: Services) -> None:
    """Approvers for every role of the approval matrix, and the sample contract's
    supplier in the supplier master (a signed contract links only to a known supplier)."""
    for user_id, roles in PEOPLE.items():
        svc.extras["users"].add(user_id, roles=roles)
    add_sample_supplier(svc)


def poll(what: str, probe: Callable[[], T | None], timeout: float = 60.0) -> T:
    """Poll ``probe`` until it returns something; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def sign_sample(svc: Services) -> tuple[dict[str, Any], str]:
    """Sign the sample contract; returns the contract and the started instance id."""
    signed = sign_contract_file(svc, sample_contract_docx(), "supply-contract.docx", actor="lea")
    started = signed["event"]["started"]
    assert len(started) == 1, signed
    return signed["contract"], started[0]


def approve(svc: Services, instance_id: str, kind: str, *, approve: bool = True) -> dict[str, Any]:
    """Decide the instance's pending approval of ``kind`` as someone with its role."""

    def pending() -> dict[str, Any] | None:
        for row in svc.approvals.inbox(status="pending"):
            if row["instance_id"] == instance_id and row["action"].get("kind") == kind:
                return row
        return None

    row = poll(f"a pending {kind} approval", pending)
    user = next(u for u, roles in PEOPLE.items() if row["role"] in roles)
    person = svc.extras["users"].get(user)
    decided = decide(
        svc,
        row["id"],
        approver=person.id,
        approver_roles=person.roles,
        approve=approve,
        quoted_digest=row["digest"],
    )
    return decided


def wait_listening(svc: Services, instance_id: str) -> None:
    """Wait until the instance waits for the PO's next event."""

    def listening() -> bool:
        with svc.engine.connect() as conn:
            found = conn.execute(
                sa.select(subscriptions.c.id).where(
                    subscriptions.c.instance_id == instance_id, subscriptions.c.closed_at.is_(None)
                )
            ).first()
        return found is not None

    poll("the instance to listen for the PO's events", listening)


def _subscriptions(svc: Services, instance_id: str) -> int:
    with svc.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(subscriptions)
                .where(subscriptions.c.instance_id == instance_id)
            ).scalar_one()
        )


def then_listening_again(svc: Services, instance_id: str, action: Callable[[], T]) -> T:
    """Run ``action`` (which wakes the listening instance) and wait until the instance
    listens again, so the next event cannot slip between its check and its listen."""
    before = _subscriptions(svc, instance_id)
    result = action()
    poll("the instance to listen again", lambda: _subscriptions(svc, instance_id) > before)
    wait_listening(svc, instance_id)
    return result


def start_with_approved_po(svc: Services) -> tuple[dict[str, Any], str, str]:
    """Sign the sample, approve its PO and wait until the instance listens; returns
    the contract, the instance id and the PO number."""
    add_people(svc)
    contract, instance_id = sign_sample(svc)
    approve(svc, instance_id, "purchase_order")
    wait_listening(svc, instance_id)
    po_number = payables_stores(svc).contracts.get(contract["contract_id"])["po_number"]
    assert po_number
    return contract, instance_id, po_number


def send_invoice(
    svc: Services,
    po_number: str,
    lines: list[Line],
    *,
    number: str = "NW-2026-001",
    issued: date | None = None,
) -> str:
    """Receive a UBL invoice for the PO; returns its id."""
    data = ubl_invoice(
        number=number,
        po_number=po_number,
        lines=lines,
        issue_date=(issued or date.today()).isoformat(),
    )
    return str(
        receive_invoice(svc, data, f"{number}.xml", actor="mailroom")["invoice"]["invoice_id"]
    )


def goods(quantity: int = 20, price: Decimal = PRICE) -> Line:
    """An invoice line for conveyor modules (PO line 1)."""
    return Line("1", "Conveyor module CM-200", Decimal(quantity), price)


def wait_exception(svc: Services, invoice_id: str) -> dict[str, Any]:
    """The open exception the instance raised for this invoice."""

    def found() -> dict[str, Any] | None:
        rows = exception_queue(svc).list(subject_type="invoice", subject_id=invoice_id)
        return rows[0] if rows else None

    return poll(f"an exception for invoice {invoice_id}", found)


def wait_invoice_status(svc: Services, invoice_id: str, *statuses: str) -> dict[str, Any]:
    """The invoice once it reaches one of ``statuses``."""
    store = payables_stores(svc).payables
    return poll(
        f"invoice {invoice_id} to be {' or '.join(statuses)}",
        lambda: row if (row := store.get_invoice(invoice_id))["status"] in statuses else None,
    )


def next_business_days(days: int) -> date:
    """``days`` calendar days from today."""
    return date.today() + timedelta(days=days)


__all__ = [
    "add_people",
    "approve",
    "goods",
    "poll",
    "send_invoice",
    "sign_sample",
    "start_with_approved_po",
    "then_listening_again",
    "wait_exception",
    "wait_invoice_status",
    "wait_listening",
]
