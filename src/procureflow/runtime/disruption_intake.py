"""From a read supplier mail to the event that starts its playbook.

A delay notice becomes ``supplier.delay_notice`` (supply-disruption playbook), a price
change ``supplier.price_changed`` (price-change playbook); other mail starts nothing.
The event carries the Risk Monitor's reading, so the playbook does not read the mail
again, and is identified by the mail's SHA-256: the same mail ingested twice (CLI, API,
IMAP) starts one playbook. A mail from an unknown sender still starts the playbook,
which raises it as an exception for a person.
"""

from __future__ import annotations

from typing import Any

from procureflow.agents.risk_monitor_models import RiskMonitorOutput
from procureflow.documents.email_message import ParsedEmail
from procureflow.domain.cloudevents import new_event
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.services import Services

MAIL_SOURCE = "procureflow/inbox/email"
EVENT_TYPES = {"delay_notice": "supplier.delay_notice", "price_change": "supplier.price_changed"}


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
        return {"event": None, "duplicate": False, "started": [], "playbook": None}
    result = EventDispatcher(svc).ingest(event, actor=actor).to_json()
    result["type"] = event["type"]
    result["playbook"] = reading.next_playbook
    return result


__all__ = ["EVENT_TYPES", "MAIL_SOURCE", "mail_event", "start_from_mail"]
