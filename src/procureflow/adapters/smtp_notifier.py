"""Notifications by email, over the SMTP relay of the settings."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any


class DeliveryFailed(Exception):
    """A notification could not be delivered this time (it will be retried)."""


@dataclass(frozen=True)
class SmtpNotifier:
    """Sends one plain-text message per call; one connection each, so a failure stays local."""

    host: str | None
    port: int = 25
    sender: str = "procureflow@localhost"
    timeout: float = 10.0

    def send(
        self,
        *,
        target: str,
        subject: str,
        body: str,
        data: Any,  # noqa: ARG002 - a mail carries the text only
        delivery_id: str,
        secret: str | None = None,  # noqa: ARG002 - mail is not signed
    ) -> None:
        """Hand the message to the relay; DeliveryFailed says why it did not take it."""
        if not self.host:
            raise DeliveryFailed("no SMTP server configured (set PROCUREFLOW_SMTP_HOST)")
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = target
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(idstring=delivery_id[:40], domain="procureflow.local")
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(
                f"SMTP {self.host}:{self.port} did not take the mail to {target}: {exc}"
            ) from exc


__all__ = ["DeliveryFailed", "SmtpNotifier"]
