"""Sending a message through the SMTP server of the settings (``PROCUREFLOW_SMTP_*``).

Plain SMTP as most company relays take it (no authentication, no TLS): the relay is on
the company network. One connection per message keeps failures local to that message.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from procureflow.errors import ErrorCode, ProcureFlowError


class MailNotSent(ProcureFlowError):
    """The SMTP server refused the message or could not be reached."""

    code = ErrorCode.CONFIG  # the relay of the settings is wrong or down
    status = 502
    title = "Mail not sent"


@dataclass(frozen=True)
class SmtpMailer:
    """Sends messages through one SMTP relay."""

    host: str
    port: int = 25
    sender: str = "procureflow@localhost"
    timeout: float = 10.0

    def send(self, *, to: str, subject: str, body: str, message_id: str | None = None) -> str:
        """Send one plain-text message; returns its Message-ID."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = message_id or make_msgid(domain="procureflow.local")
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailNotSent(
                f"SMTP {self.host}:{self.port} did not take the mail to {to}: {exc}"
            ) from exc
        return str(message["Message-ID"])


__all__ = ["MailNotSent", "SmtpMailer"]
