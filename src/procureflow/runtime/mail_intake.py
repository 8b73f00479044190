"""From the bytes of a supplier mail to the Risk Monitor's reading of it.

Parsing refuses what cannot be read (empty, binary, oversized, broken MIME) and keeps
the original in quarantine first; a readable mail goes to the Risk Monitor with the
master data and, when configured, a language model. Used by ``procureflow ingest email``
and the API; the supply-disruption and price-change playbooks start from its output.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from procureflow.agents.llm_extraction import LlmExtractor
from procureflow.agents.risk_monitor import MasterDataSource, RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput, RiskMonitorOutput
from procureflow.documents.email_message import (
    DEFAULT_MAX_EMAIL_BYTES,
    ParsedEmail,
    Quarantine,
    parse_email_or_quarantine,
)


class MailArchive(Protocol):
    """Where a readable mail is kept (the content-addressed document store)."""

    def put(self, data: bytes) -> str:
        """Keep ``data``; returns its SHA-256."""
        ...


def risk_monitor_input(mail: ParsedEmail, *, as_of: date | None = None) -> RiskMonitorInput:
    """The agent's input for a parsed mail."""
    return RiskMonitorInput(
        message_id=mail.message_id,
        sender=mail.sender,
        subject=mail.subject,
        body=mail.text,
        sent_at=mail.sent_at,
        as_of=as_of,
    )


def read_supplier_mail(
    raw: bytes,
    *,
    source: str,
    master: MasterDataSource,
    quarantine: Quarantine,
    llm: LlmExtractor | None = None,
    max_bytes: int = DEFAULT_MAX_EMAIL_BYTES,
    as_of: date | None = None,
    archive: MailArchive | None = None,
) -> tuple[ParsedEmail, RiskMonitorOutput]:
    """Parse ``raw`` (quarantined when refused) and let the Risk Monitor read it.

    With ``archive`` the original message is kept there under its SHA-256 (the
    ``ParsedEmail.sha256``), so a mail from an unknown sender can be shown to the person
    who handles the exception.
    """
    mail = parse_email_or_quarantine(raw, quarantine=quarantine, source=source, max_bytes=max_bytes)
    if archive is not None:
        archive.put(raw)
    output = RiskMonitorAgent(master, llm).decide(risk_monitor_input(mail, as_of=as_of))
    return mail, output


__all__ = ["MailArchive", "read_supplier_mail", "risk_monitor_input"]
