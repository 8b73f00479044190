"""Playbook HTTP calls stay inside the egress policy, through the real HTTP adapter.

A loopback service stands for anything only the server can reach (an admin port, a
database, the metadata service). By default a playbook cannot reach it, whether it names
the address, a name that resolves to it, or gets there by a redirect; an operator opens
it explicitly. Whatever stopped the call, the playbook sees the same fault.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import Any

import pytest

from procureflow.adapters.http_client import HttpxClient
from procureflow.domain.egress import EgressPolicy
from procureflow.runtime.faults import WorkflowFaulted
from procureflow.runtime.memory import FakeClock, InMemoryRuntime
from tests.integration.runtime.loopback_http import closed_port, loopback_service
from tests.unit.runtime.runtime_helpers import playbook


def _get(url: str, redirect: bool = False) -> Any:
    return playbook(
        f"""
        - read:
            call: http
            with:
              method: get
              endpoint: {url}
              redirect: {str(redirect).lower()}
        """
    )


def _run(url: str, allow: list[str] | None = None, redirect: bool = False) -> Any:
    client = HttpxClient(default_timeout=5.0, egress=EgressPolicy.from_entries(allow or []))
    return InMemoryRuntime(clock=FakeClock(), http=client).run(_get(url, redirect), {})


def _fault(url: str, allow: list[str] | None = None, redirect: bool = False) -> dict[str, Any]:
    with pytest.raises(WorkflowFaulted) as caught:
        _run(url, allow, redirect)
    return caught.value.error


def test_a_loopback_service_is_refused_by_default() -> None:
    with loopback_service() as service:
        error = _fault(service.url + "/admin")
        assert service.paths == []
    assert error["title"] == "HTTP call failed: destination not allowed or not reachable"
    assert "internal" not in str(error)


def test_a_loopback_service_is_reached_when_the_operator_lists_it() -> None:
    with loopback_service() as service:
        assert _run(service.url + "/admin", [f"127.0.0.1:{service.port}"]) == {"secret": "internal"}
        assert service.paths == ["/admin"]


def test_a_name_that_resolves_to_loopback_is_refused() -> None:
    with loopback_service() as service:
        _fault(f"http://localhost:{service.port}/admin")
        assert service.paths == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "[::ffff:127.0.0.1]"])
def test_other_spellings_of_loopback_are_refused(host: str) -> None:
    with loopback_service() as service:
        _fault(f"http://{host}:{service.port}/admin")
        assert service.paths == []


def test_a_redirect_to_a_destination_not_allowed_is_refused() -> None:
    with loopback_service() as inner, loopback_service() as outer:
        outer.redirect_to = inner.url + "/admin"
        allowed = [f"127.0.0.1:{outer.port}"]
        error = _fault(outer.url + "/start", allowed, redirect=True)
        assert outer.paths == ["/start"]
        assert inner.paths == []
    assert error["title"] == "HTTP call failed: destination not allowed or not reachable"


def test_a_redirect_within_the_allowed_destinations_is_followed() -> None:
    with loopback_service() as inner, loopback_service() as outer:
        outer.redirect_to = inner.url + "/admin"
        allowed = [f"127.0.0.1:{outer.port}", f"127.0.0.1:{inner.port}"]
        assert _run(outer.url + "/start", allowed, redirect=True) == {"secret": "internal"}
        assert inner.paths == ["/admin"]


NAME = "svc.test"


@pytest.fixture
def svc_test_resolves(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Make ``svc.test`` resolve to 127.0.0.1 (or, with False, not resolve at all)."""
    real = socket.getaddrinfo

    def install(resolves: bool) -> None:
        def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host == NAME:
                if not resolves:
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
                return real("127.0.0.1", port, *args, **kwargs)
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", fake)

    return install


def test_denied_refused_unreachable_and_unknown_host_give_the_same_fault(
    svc_test_resolves: Callable[[bool], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://{NAME}:{closed_port()}/admin"
    svc_test_resolves(True)
    denied = _fault(url)  # loopback, not allowed
    refused = _fault(url, [NAME])  # allowed, nothing listens
    svc_test_resolves(False)
    unknown = _fault(url, [NAME])  # the name does not resolve
    svc_test_resolves(True)

    def no_route(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EHOSTUNREACH, "No route to host")

    monkeypatch.setattr(socket, "create_connection", no_route)
    unreachable = _fault(url, [NAME])
    assert denied == refused == unknown == unreachable
    assert denied["title"] == "HTTP call failed: destination not allowed or not reachable"
    assert denied["status"] == 503


def test_the_precise_reason_is_in_the_server_log(caplog: pytest.LogCaptureFixture) -> None:
    with loopback_service() as service, caplog.at_level("WARNING", logger="procureflow.egress"):
        _fault(service.url + "/admin")
    assert "127.0.0.1 is a loopback address" in caplog.text


def test_the_request_keeps_the_host_name_while_going_to_the_checked_address(
    svc_test_resolves: Callable[[bool], None],
) -> None:
    svc_test_resolves(True)
    with loopback_service() as service:
        url = f"http://{NAME}:{service.port}/admin"
        assert _run(url, [NAME]) == {"secret": "internal"}
        assert service.hosts == [f"{NAME}:{service.port}"]


def test_the_name_is_resolved_once_so_a_rebinding_answer_is_never_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first answer (127.0.0.2, allowed) is checked; a second lookup would get the
    service's address (127.0.0.1, not allowed). Connecting to the checked address finds
    nothing listening there, and the service is never reached."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            lookups.append(host)
            address = "127.0.0.2" if len(lookups) == 1 else "127.0.0.1"
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with loopback_service() as service:
        _fault(f"http://rebind.test:{service.port}/admin", ["127.0.0.2"])
        assert service.paths == []
    assert lookups == ["rebind.test"]


def test_one_refused_address_among_the_answers_refuses_the_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``mixed.test`` resolves to 127.0.0.2 (allowed, nothing listens) and 127.0.0.1 (the
    service, not allowed): the call is refused, not retried on the other address."""
    real = socket.getaddrinfo

    def mixed(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "mixed.test":
            return real("127.0.0.2", port, *args, **kwargs) + real(
                "127.0.0.1", port, *args, **kwargs
            )
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with loopback_service() as service:
        _fault(f"http://mixed.test:{service.port}/admin", ["127.0.0.2"])
        assert service.paths == []
