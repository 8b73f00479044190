"""From a read supplier mail to the event that starts its playbook.

A delay notice becomes ``supplier.delay_notice`` (supply-disruption playbook), a price
change ``supplier.price_changed`` (price-change playbook); other mail starts nothing,
except a mail that may speak of a delay but could not be read with confidence
(``needs_person``): it is raised as an exception for a person, never dropped as other.
The event carries the Risk Monitor's reading, so the playbook does not read the mail
again, and is identified by the mail's SHA-256: the same mail ingested twice (CLI, API,
IMAP) starts one playbook. A mail from an unknown sender still starts the playbook,
which raises it as an exception for a person. A supplier's click on a confirm/decline
link (:func:`answer_rfq`) is ingested the same way, as ``supplier.confirmed`` /
``supplier.declined``.
"""

from __future__ import annotations

from typing import Any

from procureflow.agents.risk_monitor_models import RiskMonitorOutput
from procureflow.documents.email_message import ParsedEmail
from procureflow.domain.cloudevents import new_event
from procureflow.errors import InvalidInput, NotFound
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.disruption_links import verify_rfq
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services

MAIL_SOURCE = "procureflow/inbox/email"
RFQ_SOURCE = "procureflow/rfq"
ANSWERS = ("confirmed", "declined")
EVENT_TYPES = {"delay_notice": "supplier.delay_notice", "price_change": "supplier.price_changed"}
NEEDS_PERSON_REASON = "mail.needs_person"


def mail_event(
    mail: ParsedEmail, reading: RiskMonitorOutput, *, file: str
) -> dict[str, Any] | None:
    """The CloudEvent a read mail raises, or None for mail that starts no playbook."""
    event_type = EVENT_TYPES.get(reading.classification)
    if event_type is None:
        return None
    return new_event(
        type=event_type,
        source=MAIL_SOURCE,
        id=f"mail-{mail.sha256}",
        subject=reading.supplier_id or mail.sender_domain,
        data={
            "reading": reading.model_dump(mode="json"),
            "email": {
                "file": file,
                "message_id": mail.message_id,
                "sha256": mail.sha256,
                "sender": mail.sender,
                "subject": mail.subject,
            },
        },
    )


def start_from_mail(
    svc: Services, mail: ParsedEmail, reading: RiskMonitorOutput, *, file: str, actor: str
) -> dict[str, Any]:
    """Ingest the mail's event (if any); what was started, for the CLI's and API's answer."""
    event = mail_event(mail, reading, file=file)
    if event is None:
        result: dict[str, Any] = {
            "event": None,
            "duplicate": False,
            "started": [],
            "playbook": None,
        }
        if reading.needs_person:
            result["exception"] = raise_for_person(svc, mail, reading, file=file, actor=actor)
        return result
    result = EventDispatcher(svc).ingest(event, actor=actor).to_json()
    result["type"] = event["type"]
    result["playbook"] = reading.next_playbook
    return result


def _given_answer(svc: Services, rfq_id: str) -> str | None:
    stored = svc.events.get(RFQ_SOURCE, rfq_id)
    if stored is None:
        return None
    first = stored.get("envelope") or {}
    return str(first.get("type", "")).removeprefix("supplier.") or "answered"


def _offer_lines(task_input: Any, supplier_id: str) -> list[dict[str, Any]]:
    """The supplier's lines of the plan the request was sent for (what the mail lists):
    SKU, quantity, unit price and arrival date; empty when the input is not such a plan."""
    proposal = task_input.get("proposal") if isinstance(task_input, dict) else None
    plan = proposal.get("plan") if isinstance(proposal, dict) else None
    allocations = plan.get("allocations") if isinstance(plan, dict) else None
    lines = []
    for a in allocations if isinstance(allocations, list) else []:
        if not isinstance(a, dict) or a.get("supplier_id") != supplier_id:
            continue
        raw_price = a.get("unit_price")
        price: dict[str, Any] = raw_price if isinstance(raw_price, dict) else {}
        lines.append(
            {
                "sku": str(a.get("sku", "")),
                "quantity": a.get("quantity"),
                "unit_price": f"{price.get('amount', '')} {price.get('currency', '')}".strip(),
                "arrival_date": str(a.get("arrival_date", "")),
            }
        )
    return lines


def rfq_summary(svc: Services, token: str) -> dict[str, Any]:
    """What a confirm/decline link asks, for the page a supplier sees before deciding:
    the request, the supplier, the items, the expiry and any answer already given. Reads
    only (``Forbidden``/``LinkExpired`` for a forged or expired link, as answering does)."""
    claim = verify_rfq(token, svc.settings.secret_key.get_secret_value())
    skus: list[str] = []
    lines: list[dict[str, Any]] = []
    try:
        tasks = svc.instances.instance(claim.instance_id)["tasks"]
    except NotFound:
        tasks = []
    for task in tasks:
        if task["name"] != "requestQuotes" or task["status"] != "completed":
            continue
        requests = ((task.get("output") or {}).get("rfq") or {}).get("requests", [])
        if any(r.get("rfq_id") == claim.rfq_id for r in requests):
            request = next(r for r in requests if r.get("rfq_id") == claim.rfq_id)
            skus = [str(sku) for sku in request.get("skus", [])]
            lines = _offer_lines(task.get("input"), claim.supplier_id)
    return {
        "rfq_id": claim.rfq_id,
        "round": claim.round_id,
        "supplier_id": claim.supplier_id,
        "skus": skus,
        "lines": lines,
        "expires_at": claim.expires_at.isoformat(),
        "answered": _given_answer(svc, claim.rfq_id),
    }


def raise_for_person(
    svc: Services, mail: ParsedEmail, reading: RiskMonitorOutput, *, file: str, actor: str
) -> dict[str, Any]:
    """Hand a mail that may speak of a delay, but could not be read with confidence, to a
    person as an exception (one per mail: the same mail again bumps it)."""
    who = reading.supplier_name or reading.supplier_id or mail.sender_domain
    found = exception_queue(svc).raise_exception(
        severity="medium",
        owner_role="orchestrator",
        reason_code=NEEDS_PERSON_REASON,
        subject_type="email",
        subject_id=mail.sha256,
        title=f"Mail from {who} may announce a delay: read it ({mail.subject or 'no subject'})"[
            :500
        ],
        detail={
            "file": file,
            "message_id": mail.message_id,
            "sender": mail.sender,
            "subject": mail.subject,
            "supplier_id": reading.supplier_id,
            "skus": [i.sku for i in reading.items],
            "po_numbers": reading.po_numbers,
            "because": reading.needs_person_because,
        },
        source=MAIL_SOURCE,
        actor=actor,
    )
    return {"id": found["id"], "created": found["created"], "reason_code": NEEDS_PERSON_REASON}


def answer_rfq(
    svc: Services, token: str, decision: str, reason: str | None = None
) -> dict[str, Any]:
    """Check a confirm/decline link and ingest the supplier's answer as an event (the first
    answer to a request counts; a repeat says which answer was given)."""
    if decision not in ANSWERS:
        raise InvalidInput(f"an answer is one of {', '.join(ANSWERS)}, not {decision!r}")
    claim = verify_rfq(token, svc.settings.secret_key.get_secret_value())
    event = new_event(
        type=f"supplier.{decision}",
        source=RFQ_SOURCE,
        id=claim.rfq_id,
        subject=claim.supplier_id,
        data={**claim.to_json(), "decision": decision, "reason": reason},
    )
    result = EventDispatcher(svc).ingest(event, actor=f"supplier:{claim.supplier_id}")
    given = decision
    if result.duplicate:
        given = _given_answer(svc, claim.rfq_id) or "answered"
    return {
        "rfq_id": claim.rfq_id,
        "supplier_id": claim.supplier_id,
        "decision": given,
        "recorded": not result.duplicate,
        "message": (
            f"Thank you: {claim.rfq_id} is {decision}."
            if not result.duplicate
            else f"{claim.rfq_id} was already answered ({given}); nothing changed."
        ),
    }


__all__ = [
    "EVENT_TYPES",
    "MAIL_SOURCE",
    "NEEDS_PERSON_REASON",
    "RFQ_SOURCE",
    "answer_rfq",
    "mail_event",
    "rfq_summary",
    "raise_for_person",
    "start_from_mail",
]
