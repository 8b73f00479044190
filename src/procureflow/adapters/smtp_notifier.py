"""Notifications by email, over the SMTP relay of the settings (through ``SmtpMailer``)."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from procureflow.adapters.smtp_mailer import MailNotSent, SmtpMailer


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
        mailer = SmtpMailer(self.host, self.port, self.sender, self.timeout)
        try:
            mailer.send(
                to=target,
                subject=subject,
                body=body,
                message_id=make_msgid(idstring=delivery_id[:40], domain="procureflow.local"),
            )
        except MailNotSent as exc:
            raise DeliveryFailed(str(exc)) from exc


__all__ = ["DeliveryFailed", "SmtpNotifier"]
