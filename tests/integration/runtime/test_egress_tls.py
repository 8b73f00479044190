"""An https call goes to the checked address while TLS still speaks to the host name:
the server sees the name in SNI, and the certificate is verified against that name."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from procureflow.adapters.http_client import HttpxClient
from procureflow.domain.egress import EgressPolicy
from procureflow.runtime.faults import WorkflowFaulted
from procureflow.runtime.memory import FakeClock, InMemoryRuntime
from tests.unit.runtime.runtime_helpers import playbook

NAME = "tls.test"


def _certificate(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def tls_service(tmp_path: Path) -> Iterator[tuple[int, list[str | None], Path]]:
    cert_file, key_file = _certificate(tmp_path)
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            payload = json.dumps({"host": self.headers.get("Host")}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], names, cert_file
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _get(url: str) -> Any:
    return playbook(
        f"- read:\n    call: http\n    with:\n      method: get\n      endpoint: {url}\n"
    )


def test_https_to_a_checked_address_keeps_sni_and_certificate_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == NAME else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with tls_service(tmp_path) as (port, names, cert_file):
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
        url = f"https://{NAME}:{port}/x"
        client = HttpxClient(default_timeout=5, egress=EgressPolicy.from_entries([NAME]))
        runtime = InMemoryRuntime(clock=FakeClock(), http=client)
        assert runtime.run(_get(url), {}) == {"host": f"{NAME}:{port}"}
        assert names == [NAME]
        # The certificate is checked against the URL's host: by address it does not match.
        by_address = HttpxClient(default_timeout=5, egress=EgressPolicy.from_entries(["127.0.0.1"]))
        with pytest.raises(WorkflowFaulted):
            InMemoryRuntime(clock=FakeClock(), http=by_address).run(
                _get(f"https://127.0.0.1:{port}/x"), {}
            )
