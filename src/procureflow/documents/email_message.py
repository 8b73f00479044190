"""Reading a supplier email (RFC 822 / RFC 5322 bytes) into what the agents need.

The stdlib ``email`` package parses with ``policy=default``. The body text is the first
``text/plain`` part; without one, the first ``text/html`` part with its tags stripped.
What cannot be accepted — empty, too large, binary, no sender, broken MIME, no text —
raises :class:`~procureflow.errors.DocumentRejected` with the reason; the
``parse_email_or_quarantine`` variant first keeps the original bytes in quarantine so
nothing a supplier sent is lost.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email import errors as mail_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from procureflow.documents.html_text import html_to_text
from procureflow.domain.clock import as_utc
from procureflow.domain.text_checks import text_problem
from procureflow.errors import DocumentRejected

DEFAULT_MAX_EMAIL_BYTES = 25 * 1024 * 1024
"""25 MiB: the usual limit of mail servers; a larger message is refused unread."""

_FATAL_DEFECTS = (
    # a multipart whose closing boundary never comes was cut in transit: its last part is
    # incomplete, and what is left of it must not be read as the supplier's message
    mail_errors.CloseBoundaryNotFoundDefect,
    mail_errors.NoBoundaryInMultipartDefect,
    mail_errors.StartBoundaryNotFoundDefect,
    mail_errors.MultipartInvariantViolationDefect,
    mail_errors.MissingHeaderBodySeparatorDefect,
)


class EmailSettings(BaseSettings):
    """Limits of email ingestion, read from ``PROCUREFLOW_EMAIL_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="PROCUREFLOW_EMAIL_", extra="ignore")

    max_bytes: int = Field(default=DEFAULT_MAX_EMAIL_BYTES, gt=0)


class Quarantine(Protocol):
    """Where refused input is kept for a person to look at (the document store has one)."""

    def quarantine(self, data: bytes, *, reason: str, name: str = "upload") -> Path:
        """Keep ``data`` aside with ``reason``; returns where it is."""
        ...


class ParsedEmail(BaseModel):
    """A supplier email reduced to its sender, subject, date and body text."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    sender: str
    sender_name: str = ""
    sender_domain: str
    to: tuple[str, ...] = ()
    subject: str = ""
    sent_at: datetime | None = None
    text: str
    text_source: str = Field(description="'text/plain' or 'text/html' (tags stripped)")
    attachments: tuple[str, ...] = ()
    sha256: str
    size: int


def _reject(reason: str, source: str) -> DocumentRejected:
    return DocumentRejected(reason, subject=source)


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    return controls > len(head) // 20


def _defects(message: EmailMessage) -> list[str]:
    found = []
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, _FATAL_DEFECTS):
                found.append(type(defect).__name__)
    return found


def _decoded(part: EmailMessage, source: str) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace").replace("\r\n", "\n")
    except LookupError:
        raise _reject(f"text part declares an unknown charset {charset!r}", source) from None


def _body(message: EmailMessage, source: str) -> tuple[str, str]:
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    if plain is not None:
        text = _decoded(plain, source)
        if text.strip() or html is None:
            return text, "text/plain"
    if html is not None:
        return html_to_text(_decoded(html, source)), "text/html"
    raise _reject("has no text/plain or text/html part to read", source)


def _sent_at(message: EmailMessage) -> datetime | None:
    value = message.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return as_utc(moment) if moment else None


def parse_email(
    raw: bytes, *, source: str = "email", max_bytes: int = DEFAULT_MAX_EMAIL_BYTES
) -> ParsedEmail:
    """Parse ``raw`` RFC 822 bytes; DocumentRejected with the reason when it cannot be read."""
    if len(raw) > max_bytes:
        raise _reject(f"is {len(raw)} bytes; the limit is {max_bytes} bytes", source)
    if not raw.strip():
        raise _reject("is empty", source)
    if _looks_binary(raw):
        raise _reject("is binary data, not an RFC 822 email", source)
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    if not message.keys():
        raise _reject("has no mail headers: not an RFC 822 email", source)
    broken = _defects(message)
    if broken:
        raise _reject(f"has broken MIME structure ({', '.join(sorted(set(broken)))})", source)
    try:
        from_header = message["From"]
        addresses = from_header.addresses if from_header is not None else ()
    except (IndexError, ValueError, mail_errors.HeaderParseError):
        addresses = ()
    if not addresses or not addresses[0].domain:
        raise _reject("has no sender address in its From header", source)
    sender = addresses[0]
    text, text_source = _body(message, source)
    digest = hashlib.sha256(raw).hexdigest()
    to_header = message.get("To")
    recipients = tuple(a.addr_spec for a in to_header.addresses) if to_header is not None else ()
    mail = ParsedEmail(
        message_id=str(message.get("Message-ID") or f"<sha256-{digest[:32]}@procureflow>").strip(),
        sender=sender.addr_spec.lower(),
        sender_name=sender.display_name,
        sender_domain=sender.domain.lower(),
        to=recipients,
        subject=" ".join(str(message.get("Subject") or "").split()),
        sent_at=_sent_at(message),
        text=text,
        text_source=text_source,
        attachments=tuple(part.get_filename() or "unnamed" for part in message.iter_attachments()),
        sha256=digest,
        size=len(raw),
    )
    _check_stored_text(mail, source)
    return mail


def _check_stored_text(mail: ParsedEmail, source: str) -> None:
    """The decoded texts that are kept as text (headers, body, attachment names) must be
    storable: an encoded word or a quoted-printable ``=00`` can decode to a NUL, which a
    database refuses. Attachments' contents are binary and not looked at."""
    texts = {
        "Message-ID header": [mail.message_id],
        "From header": [mail.sender, mail.sender_name],
        "To header": list(mail.to),
        "Subject header": [mail.subject],
        f"{mail.text_source} part": [mail.text],
        "attachment name": list(mail.attachments),
    }
    for where, values in texts.items():
        for value in values:
            problem = text_problem(value)
            if problem is not None:
                raise _reject(f"its {where} {problem}", source)


def parse_email_or_quarantine(
    raw: bytes,
    *,
    quarantine: Quarantine,
    source: str = "email",
    max_bytes: int = DEFAULT_MAX_EMAIL_BYTES,
) -> ParsedEmail:
    """Like :func:`parse_email`, but a refused message is first kept in ``quarantine``.

    The error message then says where the copy is, so nothing a supplier sent is lost.
    """
    try:
        return parse_email(raw, source=source, max_bytes=max_bytes)
    except DocumentRejected as exc:
        kept = quarantine.quarantine(raw, reason=str(exc), name=Path(source).name or "email.eml")
        raise DocumentRejected(f"{exc.message}; original kept at {kept}", subject=source) from exc


__all__ = [
    "DEFAULT_MAX_EMAIL_BYTES",
    "EmailSettings",
    "ParsedEmail",
    "Quarantine",
    "parse_email",
    "parse_email_or_quarantine",
]
