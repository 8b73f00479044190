"""Local stand-ins for the public services the conformance scenarios call.

The scenarios name the Swagger petstore and httpbin; a small local HTTP server answers
the same routes so the scenarios run without outside network, through the product's
real HTTP adapter.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from procureflow.adapters.http_client import HttpxClient
from procureflow.domain.egress import EgressPolicy
from procureflow.runtime.ports import HttpRequest, HttpResponse

REWRITTEN_HOSTS = ("https://petstore.swagger.io", "https://httpbin.org")

PETS = [
    {"id": 1, "name": "Rex", "status": "available", "category": {"id": 1, "name": "dogs"}},
    {"id": 2, "name": "Milou", "status": "available", "category": {"id": 1, "name": "dogs"}},
    {"id": 3, "name": "Garfield", "status": "sold", "category": {"id": 2, "name": "cats"}},
]

SWAGGER = {
    "swagger": "2.0",
    "host": "petstore.swagger.io",
    "basePath": "/v2",
    "schemes": ["https"],
    "paths": {
        "/pet/findByStatus": {
            "get": {
                "operationId": "findPetsByStatus",
                "parameters": [{"name": "status", "in": "query", "type": "array"}],
            }
        },
        "/pet/{petId}": {
            "get": {
                "operationId": "getPetById",
                "parameters": [{"name": "petId", "in": "path", "type": "integer"}],
            }
        },
    },
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the log
        return

    def _answer(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts == ["v2", "swagger.json"]:
            return self._answer(200, SWAGGER)
        if parts[:3] == ["v2", "pet", "findByStatus"]:
            wanted = parse_qs(url.query).get("status", ["available"])
            return self._answer(200, [p for p in PETS if p["status"] in wanted])
        if parts[:2] == ["v2", "pet"] and len(parts) == 3 and parts[2].isdigit():
            pet = next((p for p in PETS if p["id"] == int(parts[2])), None)
            return (
                self._answer(200, pet) if pet else self._answer(404, {"message": "Pet not found"})
            )
        if parts[:1] == ["basic-auth"] and len(parts) == 3:
            expected = base64.b64encode(f"{parts[1]}:{parts[2]}".encode()).decode()
            if self.headers.get("Authorization") == f"Basic {expected}":
                return self._answer(200, {"authenticated": True, "user": parts[1]})
            return self._answer(401, {"authenticated": False})
        return self._answer(404, {"message": "not found"})


class LocalServicesClient:
    """The product's HTTP adapter, with the scenarios' public hosts sent to the local server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        # The local server is on loopback, which the egress policy refuses unless listed.
        port = urlsplit(base_url).port
        self.inner = HttpxClient(
            default_timeout=10.0, egress=EgressPolicy.from_entries([f"127.0.0.1:{port}"])
        )
        self.requests: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        """Rewrite the host and send for real."""
        url = request.url
        for host in REWRITTEN_HOSTS:
            if url.startswith(host):
                url = self.base_url + url[len(host) :]
        self.requests.append(request)
        return self.inner.send(replace(request, url=url))


@contextmanager
def local_services() -> Iterator[LocalServicesClient]:
    """Serve the fake petstore/httpbin on a free local port for the duration."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServicesClient(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
