"""The egress policy's address classifier, allow list and literal-endpoint check."""

from __future__ import annotations

import ipaddress

import pytest

from procureflow.domain.egress import (
    AllowRule,
    EgressDenied,
    EgressPolicy,
    classify_address,
    parse_ip,
)


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("169.254.1.1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.5", "documentation"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fd12:3456::1", "private"),
        ("fc00::1", "private"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("ff02::1", "multicast"),
        ("fd00:ec2::254", "cloud metadata"),
        ("2001:db8::1", "documentation"),
        # IPv6 forms that carry an IPv4 address are judged by that address
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_non_public_addresses_are_classified(address: str, category: str) -> None:
    assert classify_address(address) == category


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2a00:1450:4001::1", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_not_denied(address: str) -> None:
    assert classify_address(address) is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hexadecimal
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
    ],
)
def test_resolver_forms_of_an_address_are_recognised(text: str, address: str) -> None:
    assert parse_ip(text) == ipaddress.ip_address(address)


@pytest.mark.parametrize("text", ["example.com", "localhost", "256.1.1.1", "08.1.1.1", "1.2.3.4.5"])
def test_names_are_not_addresses(text: str) -> None:
    assert parse_ip(text) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0177.0.0.1:8080/admin",
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]:9000/",
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00:ec2::254]/latest/meta-data",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./",
    ],
)
def test_literal_endpoints_in_denied_ranges_are_refused(url: str) -> None:
    assert EgressPolicy().literal_problem(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://supplier.example/stock/{sku}",
        "http://{host}:8080/",
        "https://8.8.8.8/",
        "http://localhost:8080/",  # a name: judged after resolution, at call time
    ],
)
def test_literal_endpoints_that_only_the_call_can_judge_pass(url: str) -> None:
    assert EgressPolicy().literal_problem(url) is None


def test_only_http_and_https_schemes() -> None:
    policy = EgressPolicy()
    assert "scheme" in (policy.literal_problem("file:///etc/passwd") or "")
    assert "scheme" in (policy.literal_problem("gopher://example.com/") or "")
    with pytest.raises(EgressDenied):
        policy.check_scheme("ftp://example.com/")
    policy.check_scheme("https://example.com/")


def test_allow_list_entries_open_exactly_what_they_name() -> None:
    policy = EgressPolicy.from_entries(["127.0.0.1:8080", "10.0.0.0/8", "erp.corp.internal"])
    loopback = ipaddress.ip_address("127.0.0.1")
    assert policy.address_problem("127.0.0.1", 8080, loopback) is None
    assert policy.address_problem("127.0.0.1", 8081, loopback) is not None
    assert policy.address_problem("::ffff:127.0.0.1", 8080, parse_ip("::ffff:127.0.0.1")) is None  # type: ignore[arg-type]
    assert policy.address_problem("x", 80, ipaddress.ip_address("10.9.8.7")) is None
    assert policy.address_problem("x", 80, ipaddress.ip_address("192.168.0.1")) is not None
    assert (
        policy.address_problem("erp.corp.internal", 443, ipaddress.ip_address("172.20.0.5")) is None
    )
    assert (
        policy.address_problem("other.internal", 443, ipaddress.ip_address("172.20.0.5"))
        is not None
    )


def test_a_wide_network_does_not_open_the_metadata_address() -> None:
    metadata = ipaddress.ip_address("169.254.169.254")
    wide = EgressPolicy.from_entries(["169.254.0.0/16"])
    assert wide.address_problem("169.254.169.254", 80, metadata) is not None
    assert wide.address_problem("169.254.1.1", 80, ipaddress.ip_address("169.254.1.1")) is None
    exact = EgressPolicy.from_entries(["169.254.169.254"])
    assert exact.address_problem("169.254.169.254", 80, metadata) is None


def test_every_resolved_address_must_be_allowed() -> None:
    public, private = ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.1")
    EgressPolicy().check("supplier.example", 443, [public])
    with pytest.raises(EgressDenied, match="10.0.0.1 is a private address"):
        EgressPolicy().check("supplier.example", 443, [public, private])
    with pytest.raises(EgressDenied, match="metadata name"):
        EgressPolicy().check("metadata.google.internal", 80, [public])


def test_sub_domain_rules() -> None:
    rule = AllowRule.parse("*.corp.internal:8443")
    assert rule.matches_name("erp.corp.internal", 8443)
    assert rule.matches_name("a.b.corp.internal.", 8443)
    assert not rule.matches_name("corp.internal.evil.example", 8443)
    assert not rule.matches_name("erp.corp.internal", 443)


@pytest.mark.parametrize("entry", ["", "bad entry!", "127.0.0.1:99999", "host:port"])
def test_bad_allow_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        AllowRule.parse(entry)


def test_ipv6_allow_entries() -> None:
    assert AllowRule.parse("::1").network == ipaddress.ip_network("::1/128")
    bracketed = AllowRule.parse("[::1]:8080")
    assert bracketed.network == ipaddress.ip_network("::1/128") and bracketed.port == 8080
    assert AllowRule.parse("fd00::/8").network == ipaddress.ip_network("fd00::/8")
