"""HTTP for ``call: http`` tasks, with httpx."""

from __future__ import annotations

import httpx

from procureflow.runtime.ports import HttpRequest, HttpResponse


class HttpxClient:
    """Sends a playbook's HTTP request; JSON bodies come back parsed."""

    def __init__(self, default_timeout: float = 30.0) -> None:
        self.default_timeout = default_timeout

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``; connection problems surface as ``OSError``/``TimeoutError``."""
        try:
            response = httpx.request(
                request.method.upper(),
                request.url,
                headers=request.headers,
                params=request.query or None,
                json=request.body if request.body is not None else None,
                follow_redirects=request.follow_redirects,
                timeout=request.timeout_seconds or self.default_timeout,
            )
        except httpx.TimeoutException as exc:
            raise TimeoutError(f"{request.method} {request.url}: timed out") from exc
        except httpx.HTTPError as exc:
            raise OSError(f"{request.method} {request.url}: {exc}") from exc
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
