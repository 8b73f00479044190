"""Supplier messages of the disruption playbooks: kept exactly once, sent when SMTP is set.

A message is first written to the outbox (``pf_effects``, kind ``message``) under the
idempotency key of the step that makes it, in the caller's transaction, so it commits
with the change it announces (a PO, a reduction, a request for quote). After the commit
:func:`deliver` sends every unsent message through the SMTP relay of the settings and
marks it sent; without a relay the messages stay in the outbox for a person or a mail
gateway to pick up. A crash between sending and marking may send one message twice
(at least once); it never loses one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from procureflow.adapters.db.supplier_outbox import (
    keep_effect,
    keep_message,
    kept_messages,
    update_message,
)
from procureflow.adapters.smtp_mailer import MailNotSent, SmtpMailer
from procureflow.domain.clock import utcnow
from procureflow.domain.master import MasterDataSet
from procureflow.runtime.services import Services


def supplier_address(master: MasterDataSet, supplier_id: str) -> str:
    """Where mail to a supplier goes: its ``contact_email`` column, else orders@ its domain."""
    supplier = master.supplier(supplier_id)
    if supplier is None:
        return f"unknown-supplier+{supplier_id}@invalid"
    contact = str(supplier.extra.get("contact_email", "")).strip()
    if contact:
        return contact
    domain = supplier.email_domains[0] if supplier.email_domains else "invalid"
    return f"orders@{domain}"


def queue(
    conn: Any,
    key: str,
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    supplier_id: str | None = None,
) -> bool:
    """Keep one message under ``key`` in ``conn``'s transaction; True when created."""
    return keep_message(
        conn,
        key,
        {
            "to": to,
            "subject": subject,
            "body": body,
            "purpose": purpose,
            "supplier_id": supplier_id,
            "sent_at": None,
            "error": None,
        },
    )


def first_time(conn: Any, key: str, kind: str, payload: dict[str, Any]) -> bool:
    """True the first time a step records ``kind`` under ``key`` (so its audit entry is
    written once, even when the step runs again after a crash)."""
    return keep_effect(conn, f"{key}:{kind}", kind, payload)


def deliver(svc: Services, keys: Iterable[str]) -> dict[str, str]:
    """Send the unsent messages among ``keys`` when SMTP is configured; key → state."""
    settings = svc.settings
    wanted = list(keys)
    if not wanted:
        return {}
    mailer = (
        SmtpMailer(settings.smtp_host, settings.smtp_port, settings.smtp_sender)
        if settings.smtp_host
        else None
    )
    states: dict[str, str] = {}
    for key, payload in kept_messages(svc.engine, keys=wanted):
        if payload.get("sent_at"):
            states[key] = "sent"
            continue
        if mailer is None:
            states[key] = "outbox"
            continue
        try:
            mailer.send(to=payload["to"], subject=payload["subject"], body=payload["body"])
        except MailNotSent as exc:
            payload["error"] = str(exc)
            states[key] = "failed"
        else:
            payload["sent_at"] = utcnow().isoformat()
            payload["error"] = None
            states[key] = "sent"
        update_message(svc.engine, key, payload)
    return states


def messages(svc: Services, prefix: str) -> list[dict[str, Any]]:
    """The kept messages whose key starts with ``prefix`` (a step's or an instance's)."""
    return [{"key": key, **payload} for key, payload in kept_messages(svc.engine, prefix=prefix)]


__all__ = ["deliver", "first_time", "messages", "queue", "supplier_address"]
