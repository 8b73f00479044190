"""Signing outbound webhooks with HMAC-SHA256, and checking such a signature.

The header ``X-ProcureFlow-Signature: t=<unix seconds>,v1=<hex>`` carries the moment of
sending and ``HMAC-SHA256(secret, "<t>.<body>")``. A receiver recomputes it with the shared
secret and refuses stale timestamps, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-ProcureFlow-Signature"
DELIVERY_HEADER = "X-ProcureFlow-Delivery"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_seconds: int = 300) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is at most ``tolerance`` old."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header.strip())


__all__ = ["DELIVERY_HEADER", "HEADER", "signature", "verify"]
