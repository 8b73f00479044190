"""Signed, expiring one-click links for a supplier to confirm or decline a request for quote.

A token is ``<payload>.<signature>``: the payload is the URL-safe base64 of the canonical
JSON ``{"r": round, "s": supplier, "i": instance, "q": rfq id, "n": expected answers,
"e": expiry (Unix seconds)}``, the signature the URL-safe base64 HMAC-SHA256 of the
payload under the secret key (``Settings.secret_key``). Anyone holding the link may
answer for that one supplier and round until it expires; nothing else can be forged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from procureflow.errors import Forbidden, InvalidInput

_CONTEXT = b"procureflow-rfq-v1:"


class LinkExpired(Forbidden):
    """The link was signed correctly but is past its expiry."""

    status = 410
    title = "Link expired"


@dataclass(frozen=True)
class RfqClaim:
    """What a valid link says: which request, supplier and round it answers."""

    rfq_id: str
    round_id: str
    supplier_id: str
    instance_id: str
    expected: int
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The claim as event data (what the waiting playbook correlates on)."""
        return {
            "rfq_id": self.rfq_id,
            "round": self.round_id,
            "supplier_id": self.supplier_id,
            "instance_id": self.instance_id,
            "expected": self.expected,
            "expires_at": self.expires_at.isoformat(),
        }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), _CONTEXT + payload.encode("ascii"), hashlib.sha256)
    return _b64(digest.digest())


def sign_rfq(claim: RfqClaim, secret: str) -> str:
    """The token for ``claim``."""
    body = {
        "q": claim.rfq_id,
        "r": claim.round_id,
        "s": claim.supplier_id,
        "i": claim.instance_id,
        "n": claim.expected,
        "e": int(claim.expires_at.timestamp()),
    }
    payload = _b64(json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_mac(secret, payload)}"


def verify_rfq(token: str, secret: str, *, now: datetime | None = None) -> RfqClaim:
    """The claim of a valid token; ``Forbidden`` when forged or malformed, ``LinkExpired``
    when past its expiry."""
    payload, dot, signature = token.partition(".")
    # a token is base64url text: anything else (non-ASCII, which neither the signature
    # comparison nor the MAC can take) is not one of ours
    if not dot or not payload or not signature or not token.isascii():
        raise Forbidden("the link is not a valid ProcureFlow confirmation link")
    if not hmac.compare_digest(signature, _mac(secret, payload)):
        raise Forbidden("the link's signature does not match: it was altered or not issued here")
    try:
        body = json.loads(_unb64(payload))
        claim = RfqClaim(
            rfq_id=str(body["q"]),
            round_id=str(body["r"]),
            supplier_id=str(body["s"]),
            instance_id=str(body["i"]),
            expected=int(body["n"]),
            expires_at=datetime.fromtimestamp(int(body["e"]), tz=UTC),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"the link's content cannot be read: {exc}") from None
    moment = now or datetime.now(UTC)
    if moment >= claim.expires_at:
        raise LinkExpired(
            f"the link for {claim.rfq_id} expired at {claim.expires_at.isoformat()}; "
            "ask the buyer for a new request"
        )
    return claim


def expiry_after(hours: float, *, now: datetime | None = None) -> datetime:
    """The expiry ``hours`` from now."""
    return (now or datetime.now(UTC)) + timedelta(hours=hours)


__all__ = ["LinkExpired", "RfqClaim", "expiry_after", "sign_rfq", "verify_rfq"]
