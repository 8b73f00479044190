"""Egress policy: which network destinations outbound calls may reach.

Playbooks (``call: http``, ``call: openapi``) and notification webhooks send requests to
addresses that people write. Without a rule, a playbook author can make the server call
services that only it can reach (a loopback admin port, a database on the private network,
the cloud metadata service that hands out credentials) and read their answers: a
server-side request forgery. The rule here is *deny by default* for every address that is
not globally routable — loopback, RFC 1918 and unique-local private ranges, link-local,
carrier-grade NAT, unspecified, multicast, reserved and documentation ranges — and for the
known cloud metadata names and addresses. An operator opens exceptions with an allow list
(``Settings.egress_allow``): host names, ``host:port``, IP addresses or CIDR networks.

Everything here is pure: no DNS, no sockets. The adapter that connects
(:mod:`procureflow.adapters.egress`) resolves a name once, asks :meth:`EgressPolicy.check`
about *every* resolved address, and connects to an address it checked; playbook validation
asks :meth:`EgressPolicy.literal_problem` about endpoints written as IP literals.

A cloud metadata address (e.g. ``169.254.169.254``) is only opened by naming it exactly
(the address itself or a host name rule); a wider network such as ``169.254.0.0/16`` in
the allow list does not open it, so allowing a link-local range never hands out the
instance's credentials by accident.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = frozenset({"http", "https"})

# What a playbook sees when a call cannot be made, whatever the reason (denied, refused,
# unreachable, unknown name): the same words, so that a playbook cannot map the network.
NOT_REACHABLE = "destination not allowed or not reachable"

METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
        "metadata.tencentyun.com",
        "metadata.platformequinix.com",
    }
)
"""Host names that lead to a cloud instance's metadata service (and its credentials)."""

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean …
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync, same link-local service block
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
"""Addresses of cloud metadata services."""

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# (network, category), first match wins. Anything else that Python does not consider
# globally routable is "reserved" (see ``classify_address``).
_DENIED_NETWORKS: tuple[tuple[IPNetwork, str], ...] = (
    (_V4("0.0.0.0/8"), "unspecified"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("100.64.0.0/10"), "shared (carrier-grade NAT)"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("192.0.0.0/24"), "reserved"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("198.18.0.0/15"), "reserved"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/96"), "reserved"),  # IPv4-compatible, deprecated
    (_V6("64:ff9b:1::/48"), "private"),  # local-use NAT64
    (_V6("100::/64"), "reserved"),  # discard only
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("fc00::/7"), "private"),  # unique local
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "private"),  # site-local, deprecated
    (_V6("ff00::/8"), "multicast"),
)

_NAT64 = _V6("64:ff9b::/96")


class EgressDenied(OSError):
    """A destination the egress policy refuses; ``reason`` says which rule and why.

    It is an ``OSError`` because the HTTP port promises ``OSError`` for any request that
    cannot be sent: callers that do not know about egress treat it like a refused
    connection, which is what the playbook must see anyway.
    """

    def __init__(self, reason: str, *, host: str = "", port: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.host = host
        self.port = port


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address if it is one, in any form a resolver would accept.

    Besides the usual ``127.0.0.1`` and ``::1`` (brackets allowed), the classic
    ``inet_aton`` forms are understood — ``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
    ``127.1`` — because the C resolver turns them into the same loopback address.
    """
    text = host.strip().strip("[]").rstrip(".")
    if not text:
        return None
    if "%" in text:  # an IPv6 zone (fe80::1%eth0): the zone does not change the class
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _parse_inet_aton(text)


_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


def _parse_inet_aton(text: str) -> ipaddress.IPv4Address | None:
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_PART.match(p) for p in parts):
        return None
    values = []
    for part in parts:
        if part[:2] in ("0x", "0X"):
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(number)


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4), else the address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def classify_address(address: IPAddress | str) -> str | None:
    """Why ``address`` is denied by default ("loopback", "private" …), or None if public."""
    ip = parse_ip(address) if isinstance(address, str) else address
    if ip is None:
        raise ValueError(f"not an IP address: {address!r}")
    inner = _embedded_ipv4(ip)
    if ip in METADATA_ADDRESSES or inner in METADATA_ADDRESSES:
        return "cloud metadata"
    for candidate in {ip, inner}:
        for network, category in _DENIED_NETWORKS:
            if candidate.version == network.version and candidate in network:
                return category
    globally_routable = inner.is_global if inner is not ip else ip.is_global
    return None if globally_routable else "reserved"


def _normal_name(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def is_metadata_name(host: str) -> bool:
    """Whether ``host`` names a cloud metadata service."""
    return _normal_name(host) in METADATA_NAMES


@dataclass(frozen=True)
class AllowRule:
    """One allow-list entry: a host name (``*.suffix`` for sub-domains) or a network,
    optionally for one port only."""

    text: str
    name: str | None = None
    network: IPNetwork | None = None
    port: int | None = None

    @classmethod
    def parse(cls, entry: str) -> AllowRule:
        """Read ``host``, ``host:port``, ``10.0.0.0/8``, ``[::1]:8080``, ``fd00::/8`` …"""
        text = entry.strip()
        if not text:
            raise ValueError("an empty egress allow entry")
        host, port = text, None
        bracketed = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?", text)
        if bracketed:
            host, port = bracketed.group(1), bracketed.group(2)
        elif text.count(":") == 1:
            host, port = text.split(":")
        number = None
        if port is not None:
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"egress allow entry {entry!r}: bad port")
            number = int(port)
        try:
            network = ipaddress.ip_network(host, strict=False)
        except ValueError:
            network = None
        if network is None:
            ip = parse_ip(host) if "/" not in host else None
            if ip is not None:
                network = ipaddress.ip_network(ip)
        if network is not None:
            return cls(text=text, network=network, port=number)
        name = _normal_name(host)
        if not re.fullmatch(r"(\*\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?", name):
            raise ValueError(
                f"egress allow entry {entry!r} is neither a host name, an IP address nor a network"
            )
        return cls(text=text, name=name, port=number)

    def _port_matches(self, port: int | None) -> bool:
        return self.port is None or self.port == port

    def matches_name(self, host: str, port: int | None) -> bool:
        """Whether this is a host-name rule that covers ``host`` (and ``port``)."""
        if self.name is None or not self._port_matches(port):
            return False
        name = _normal_name(host)
        if self.name.startswith("*."):
            return name.endswith(self.name[1:])
        return name == self.name

    def matches_address(self, address: IPAddress, port: int | None, *, exact: bool) -> bool:
        """Whether this is a network rule that covers ``address``; ``exact`` asks for a
        rule naming that one address (what opens a metadata address)."""
        if self.network is None or not self._port_matches(port):
            return False
        if exact and self.network.num_addresses != 1:
            return False
        return any(
            candidate.version == self.network.version and candidate in self.network
            for candidate in {address, _embedded_ipv4(address)}
        )


@dataclass(frozen=True)
class EgressPolicy:
    """Deny non-public destinations unless an :class:`AllowRule` opens them."""

    allow: tuple[AllowRule, ...] = ()

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> EgressPolicy:
        """A policy from allow-list entries; ``ValueError`` names a bad entry."""
        return cls(tuple(AllowRule.parse(e) for e in entries))

    def _name_allowed(self, host: str, port: int | None) -> bool:
        return any(rule.matches_name(host, port) for rule in self.allow)

    def name_problem(self, host: str, port: int | None) -> str | None:
        """Why the host *name* alone is refused (a metadata name), before any lookup."""
        if is_metadata_name(host) and not self._name_allowed(host, port):
            return f"{_normal_name(host)} is a cloud metadata name"
        return None

    def address_problem(self, host: str, port: int | None, address: IPAddress) -> str | None:
        """Why connecting to ``address`` (found for ``host``) is refused, or None."""
        category = classify_address(address)
        if category is None or self._name_allowed(host, port):
            return None
        exact = category == "cloud metadata"
        if any(rule.matches_address(address, port, exact=exact) for rule in self.allow):
            return None
        return f"{address} is a {category} address"

    def check(self, host: str, port: int | None, addresses: Sequence[IPAddress]) -> None:
        """Raise :class:`EgressDenied` unless the name and EVERY address found for it are
        allowed: one private record among public ones is refused, not skipped."""
        problem = self.name_problem(host, port)
        if problem is None and not addresses:
            problem = "no address to check"
        for address in addresses:
            problem = problem or self.address_problem(host, port, address)
        if problem is not None:
            where = f"{host}:{port}" if port is not None else host
            raise EgressDenied(
                f"egress to {where} denied: {problem} (not in the egress allow list)",
                host=host,
                port=port,
            )

    def check_scheme(self, url: str) -> None:
        """Raise :class:`EgressDenied` for a scheme other than http and https."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise EgressDenied(f"egress to {url} denied: scheme {scheme or '(none)'!r}")

    def literal_problem(self, url: str) -> str | None:
        """What is wrong with an endpoint written in a playbook, knowable without DNS.

        Only what the text itself shows: a scheme other than http(s), a host that is an IP
        literal in a denied range, or a metadata name. URI templates whose host or port is
        a ``{placeholder}`` are left to the check at call time.
        """
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme and scheme not in ALLOWED_SCHEMES:
                return f"scheme {scheme!r} is not allowed (only http and https)"
            host = parts.hostname
            if host is None or "{" in parts.netloc:
                return None
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            return None
        problem = self.name_problem(host, port)
        if problem is not None:
            return problem
        address = parse_ip(host)
        if address is None:
            return None
        return self.address_problem(host, port, address)


__all__ = [
    "ALLOWED_SCHEMES",
    "METADATA_ADDRESSES",
    "METADATA_NAMES",
    "NOT_REACHABLE",
    "AllowRule",
    "EgressDenied",
    "EgressPolicy",
    "classify_address",
    "is_metadata_name",
    "parse_ip",
]
