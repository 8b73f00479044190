"""HTTP for ``call: http`` tasks, with httpx, inside the egress policy."""

from __future__ import annotations

import logging

import httpx

from procureflow.adapters.egress import describe, egress_client
from procureflow.domain.egress import NOT_REACHABLE, EgressDenied, EgressPolicy
from procureflow.runtime.ports import HttpRequest, HttpResponse

logger = logging.getLogger("procureflow.egress")


class HttpxClient:
    """Sends a playbook's HTTP request; JSON bodies come back parsed.

    Only destinations ``egress`` allows are reached (default: public addresses only, see
    :mod:`procureflow.adapters.egress`).
    """

    def __init__(self, default_timeout: float = 30.0, egress: EgressPolicy | None = None) -> None:
        self.default_timeout = default_timeout
        self.egress = egress if egress is not None else EgressPolicy()

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``; a denied destination raises :class:`EgressDenied`, any other
        failure to get an answer ``OSError`` or ``TimeoutError``.

        The precise reason (refused, no route, unknown name) goes to the server log only;
        the exception raised for it says no more than :data:`NOT_REACHABLE`, so that what
        a playbook can observe does not tell a closed port from a missing host.
        """
        what = f"{request.method.upper()} {request.url}"
        try:
            self.egress.check_scheme(request.url)
            with egress_client(
                self.egress, timeout=request.timeout_seconds or self.default_timeout
            ) as client:
                response = client.request(
                    request.method.upper(),
                    request.url,
                    headers=request.headers,
                    params=request.query or None,
                    json=request.body if request.body is not None else None,
                    follow_redirects=request.follow_redirects,
                )
        except EgressDenied as exc:
            logger.warning("HTTP call %s refused: %s", what, exc.reason)
            raise
        except httpx.TimeoutException as exc:
            logger.warning("HTTP call %s timed out: %s", what, describe(exc))
            raise TimeoutError(f"{what}: timed out") from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            logger.warning("HTTP call %s failed: %s", what, describe(exc))
            raise OSError(f"{what}: {NOT_REACHABLE}") from None
        content_type = response.headers.get("content-type", "")
        content: object = response.text
        if "json" in content_type:
            try:
                content = response.json()
            except ValueError:
                content = response.text
        return HttpResponse(
            status=response.status_code,
            headers=dict(response.headers),
            content=content,
            raw=response.text,
        )


__all__ = ["HttpxClient"]
