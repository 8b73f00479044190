"""Polling a supplier-mail mailbox over IMAP: each unseen message is handed on once.

Messages are fetched with ``BODY.PEEK[]`` so they stay unseen until handled; a handled
message — read, or refused and kept in quarantine — is flagged ``\\Seen`` (and moved to
``processed_mailbox`` when set). A handler that fails for another reason (the database
is down, say) leaves the message unseen, so the next poll retries it: nothing is lost.
"""

from __future__ import annotations

import imaplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from procureflow.errors import ConfigError, ProcureFlowError


class ImapSettings(BaseSettings):
    """Where supplier mail is fetched from; ``PROCUREFLOW_IMAP_*`` variables."""

    model_config = SettingsConfigDict(
        env_prefix="PROCUREFLOW_IMAP_", env_file=".env", extra="ignore"
    )

    host: str | None = Field(default=None, description="IMAP server; empty means no polling")
    port: int = 993
    tls: bool = Field(default=True, description="IMAP over TLS (993); false for plain or STARTTLS")
    starttls: bool = False
    username: str = ""
    password: SecretStr = SecretStr("")
    mailbox: str = "INBOX"
    processed_mailbox: str | None = Field(
        default=None, description="move handled mail here (created if missing)"
    )
    poll_seconds: float = Field(default=60.0, gt=0)
    timeout_seconds: float = Field(default=30.0, gt=0)


MailHandler = Callable[[bytes, str], object]
"""Called with the raw message and a source name (``imap:INBOX/42``)."""


@dataclass(slots=True)
class PollResult:
    """What one poll did."""

    fetched: int = 0
    handled: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """As plain JSON data."""
        return {
            "fetched": self.fetched,
            "handled": self.handled,
            "rejected": [{"source": s, "reason": r} for s, r in self.rejected],
            "failed": [{"source": s, "error": e} for s, e in self.failed],
        }


def _check(response: tuple[str, Any], what: str) -> Any:
    status, data = response
    if status != "OK":
        raise ConfigError(f"IMAP {what} failed: {data!r}")
    return data


class ImapPoller:
    """Fetches unseen mail from one mailbox and hands each message to ``handle``."""

    def __init__(self, settings: ImapSettings, handle: MailHandler) -> None:
        if not settings.host:
            raise ConfigError("no IMAP server configured: set PROCUREFLOW_IMAP_HOST")
        self.settings = settings
        self.handle = handle

    def _connect(self) -> imaplib.IMAP4:
        s = self.settings
        assert s.host is not None
        try:
            if s.tls:
                client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host,
                    s.port,
                    ssl_context=ssl.create_default_context(),
                    timeout=s.timeout_seconds,
                )
            else:
                client = imaplib.IMAP4(s.host, s.port, timeout=s.timeout_seconds)
                if s.starttls:
                    client.starttls(ssl.create_default_context())
            client.login(s.username, s.password.get_secret_value())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ConfigError(
                f"cannot log in to IMAP {s.host}:{s.port} as {s.username!r}: {exc}"
            ) from None
        return client

    def poll_once(self) -> PollResult:
        """Fetch every unseen message once; returns what was handled, refused or failed."""
        result = PollResult()
        client = self._connect()
        try:
            _check(client.select(self.settings.mailbox), f"select {self.settings.mailbox}")
            (uids,) = _check(client.uid("SEARCH", None, "UNSEEN"), "search")  # type: ignore[arg-type]
            for uid in (uids or b"").split():
                self._one(client, uid.decode(), result)
            if self.settings.processed_mailbox and result.handled + [s for s, _ in result.rejected]:
                client.expunge()
        finally:
            try:
                client.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
        return result

    def _one(self, client: imaplib.IMAP4, uid: str, result: PollResult) -> None:
        source = f"imap:{self.settings.mailbox}/{uid}"
        data = _check(client.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetch {uid}")
        raw = next((part[1] for part in data if isinstance(part, tuple)), None)
        if not isinstance(raw, bytes):
            result.failed.append((source, "server returned no message body"))
            return
        result.fetched += 1
        try:
            self.handle(raw, source)
            result.handled.append(source)
        except ProcureFlowError as exc:  # refused input: quarantined by the handler, done with
            result.rejected.append((source, str(exc)))
        except Exception as exc:  # anything else: leave unseen, the next poll retries
            result.failed.append((source, f"{type(exc).__name__}: {exc}"))
            return
        self._done(client, uid)

    def _done(self, client: imaplib.IMAP4, uid: str) -> None:
        client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        target = self.settings.processed_mailbox
        if target:
            client.create(target)  # fails harmlessly when it exists
            _check(client.uid("COPY", uid, target), f"copy {uid} to {target}")
            client.uid("STORE", uid, "+FLAGS", "(\\Deleted)")

    def run(
        self, stop: threading.Event, on_result: Callable[[PollResult], object] | None = None
    ) -> None:
        """Poll every ``poll_seconds`` until ``stop`` is set; a failed poll is retried next time."""
        while not stop.is_set():
            try:
                outcome = self.poll_once()
            except ProcureFlowError as exc:
                outcome = PollResult(failed=[(self.settings.host or "imap", str(exc))])
            if on_result is not None:
                on_result(outcome)
            stop.wait(self.settings.poll_seconds)


__all__ = ["ImapPoller", "ImapSettings", "MailHandler", "PollResult"]
