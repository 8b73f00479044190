"""A worker or server started while its database is unreachable waits for it (and says
so) instead of exiting; past the set time it gives up with one clear line."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from procureflow.bootstrap import wait_for_database
from procureflow.config import Settings
from procureflow.errors import ConfigError
from tests.conftest import POSTGRES_URL, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="needs a database server to wait for")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Relay:
    """A TCP relay to the real server, started late: the database 'comes back'."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.server: socket.socket | None = None

    def start(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self.server is not None
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", 5432))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            dst.close()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
def relay() -> Iterator[Relay]:
    found = Relay(_free_port())
    yield found
    found.close()


def _url_through(port: int) -> str:
    return POSTGRES_URL.replace("127.0.0.1:5432", f"127.0.0.1:{port}")


def test_a_worker_waits_until_the_database_answers(relay: Relay) -> None:
    said: list[str] = []
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            relay.start()  # the database is back after the third pause

    settings = Settings(database_url=_url_through(relay.port), startup_wait_seconds=60)
    wait_for_database(settings, report=said.append, sleep=pause)
    assert pauses == [0.5, 1.0, 2.0]
    assert len(said) == 3 and all("waiting for the database" in line for line in said)


def test_it_gives_up_after_the_set_time_with_a_clear_error() -> None:
    now = [0.0]

    def pause(seconds: float) -> None:
        now[0] += seconds

    settings = Settings(database_url=_url_through(_free_port()), startup_wait_seconds=5)
    with pytest.raises(ConfigError, match=r"not reachable .*gave up after 5 s"):
        wait_for_database(settings, report=lambda _l: None, sleep=pause, clock=lambda: now[0])
    assert now[0] <= 5
