"""Notifications as signed webhook calls (HMAC-SHA256 over timestamp and body)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from procureflow.adapters.smtp_notifier import DeliveryFailed
from procureflow.domain.canonical import canonical_json
from procureflow.domain.webhook_signature import DELIVERY_HEADER, HEADER, signature


@dataclass(frozen=True)
class WebhookNotifier:
    """POSTs JSON to the subscriber's URL; any answer but 2xx, or no answer in time, fails."""

    timeout: float = 10.0

    def send(
        self,
        *,
        target: str,
        subject: str,
        body: str,
        data: Any,
        delivery_id: str,
        secret: str | None = None,
    ) -> None:
        """Deliver once; DeliveryFailed says why not (status, timeout, connection)."""
        content = canonical_json(
            {"id": delivery_id, "subject": subject, "text": body, "data": data}
        ).encode()
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery_id}
        if secret:
            headers[HEADER] = signature(secret, int(time.time()), content)
        try:
            response = httpx.post(target, content=content, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise DeliveryFailed(f"{target} did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{target} could not be reached: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"{target} answered {response.status_code}")


__all__ = ["WebhookNotifier"]
