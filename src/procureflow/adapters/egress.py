"""Outbound HTTP that only reaches destinations the egress policy allows.

Every outbound HTTP call of the product (playbook ``call: http``/``openapi``,
notification webhooks, and later ``mcp``/``a2a``) goes through :func:`egress_client`,
an ``httpx.Client`` whose transport checks each connection it opens.

How the check closes the DNS-rebinding gap: httpx hands the connection pool the URL's
host; the pool asks a *network backend* to open a TCP connection to ``(host, port)``.
Our backend (:class:`GuardedBackend`) resolves the host ONCE, checks the name and every
address it got (:meth:`EgressPolicy.check`), and then opens the socket to one of those
checked addresses itself — there is no second lookup an attacker's DNS could answer
differently. Everything above the socket is untouched: the ``Host`` header and the TLS
server name (SNI) and certificate check still use the host name of the URL, because
httpx/httpcore take them from the URL, not from the socket.

Redirects (only when the caller asks to follow them) are requests of their own: each
hop passes through :meth:`EgressTransport.handle_request` (scheme check) and, for a new
origin, opens a new connection through the backend (address check). Environment proxies
are ignored (``trust_env=False``): a proxy would make the connection go to the proxy's
address and leave the real destination unchecked.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from procureflow.domain.egress import EgressDenied, EgressPolicy, IPAddress

logger = logging.getLogger("procureflow.egress")


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to for a TCP connection, in resolver order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to checked addresses (see the module docstring)."""

    def __init__(self, policy: EgressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve once, check every address, connect to a checked one."""
        problem = self.policy.name_problem(host, port)
        if problem is not None:  # before any lookup: the name alone is refused
            raise EgressDenied(f"egress to {host}:{port} denied: {problem}", host=host, port=port)
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        self.policy.check(host, port, addresses)
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None  # check() refuses an empty list
        raise last


class EgressTransport(httpx.HTTPTransport):
    """httpx's transport with :class:`GuardedBackend` under its connection pool."""

    def __init__(self, policy: EgressPolicy) -> None:
        # Not ``super().__init__()``: it builds a pool without a way to pass a network
        # backend. Everything the parent's methods use is ``self._pool``, built here like
        # the parent does (default limits, certificate checks on) with our backend.
        self.policy = policy
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse any scheme but http(s) on every hop, then send through the pool."""
        self.policy.check_scheme(str(request.url))
        return super().handle_request(request)


def egress_client(policy: EgressPolicy, *, timeout: float) -> httpx.Client:
    """An httpx client that honours ``policy`` on every connection and redirect hop."""
    return httpx.Client(transport=EgressTransport(policy), timeout=timeout, trust_env=False)


def describe(exc: BaseException) -> str:
    """The precise reason a call failed, for the server log (never for the playbook)."""
    reason = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause) and str(cause) not in reason:
        reason = f"{reason} ({cause})"
    return reason


__all__ = ["EgressTransport", "GuardedBackend", "describe", "egress_client", "resolve"]
