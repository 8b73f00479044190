"""Notifications as signed webhook calls (HMAC-SHA256 over timestamp and body)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from procureflow.adapters.egress import describe, egress_client
from procureflow.adapters.smtp_notifier import DeliveryFailed
from procureflow.domain.canonical import canonical_json
from procureflow.domain.egress import NOT_REACHABLE, EgressDenied, EgressPolicy
from procureflow.domain.webhook_signature import DELIVERY_HEADER, HEADER, signature

logger = logging.getLogger("procureflow.egress")


@dataclass(frozen=True)
class WebhookNotifier:
    """POSTs JSON to the subscriber's URL; any answer but 2xx, or no answer in time, fails.

    The URL must be a destination ``egress`` allows (the same policy as playbook HTTP
    calls); redirects are not followed.
    """

    timeout: float = 10.0
    egress: EgressPolicy = field(default_factory=EgressPolicy)

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
        """Deliver once; DeliveryFailed says why not (status, timeout, not reachable).

        A denied destination, a refused connection and an unknown host all fail with the
        same words; the precise reason is in the server log.
        """
        content = canonical_json(
            {"id": delivery_id, "subject": subject, "text": body, "data": data}
        ).encode()
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery_id}
        if secret:
            headers[HEADER] = signature(secret, int(time.time()), content)
        try:
            self.egress.check_scheme(target)
            with egress_client(self.egress, timeout=self.timeout) as client:
                response = client.post(target, content=content, headers=headers)
        except EgressDenied as exc:
            logger.warning("webhook %s refused: %s", target, exc.reason)
            raise DeliveryFailed(f"{target}: {NOT_REACHABLE}") from None
        except httpx.TimeoutException as exc:
            raise DeliveryFailed(f"{target} did not answer within {self.timeout:g} s") from exc
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            logger.warning("webhook %s failed: %s", target, describe(exc))
            raise DeliveryFailed(f"{target}: {NOT_REACHABLE}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"{target} answered {response.status_code}")


__all__ = ["WebhookNotifier"]
