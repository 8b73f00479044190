"""A step that meets a lost database connection runs again instead of faulting its
instance; any other error is not retried."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from procureflow.runtime.durable import is_transient_database_error, retry_transient


def _server_shutting_down() -> sa.exc.OperationalError:
    cause = sqlite3.OperationalError("the database system is shutting down")
    return sa.exc.OperationalError("INSERT …", {}, cause)


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "written"


def test_a_step_is_run_again_while_the_database_restarts() -> None:
    pauses: list[float] = []
    step = Flaky([_server_shutting_down(), _server_shutting_down(), _server_shutting_down()])
    assert retry_transient(step, sleep=pauses.append) == "written"
    assert step.calls == 4
    assert pauses == [0.5, 1.0, 2.0]  # doubling pauses


def test_it_gives_up_after_the_last_attempt() -> None:
    step = Flaky([_server_shutting_down() for _ in range(5)])
    with pytest.raises(sa.exc.OperationalError):
        retry_transient(step, attempts=3, sleep=lambda _: None)
    assert step.calls == 3


@pytest.mark.parametrize(
    "error",
    [ValueError("bad input"), sa.exc.IntegrityError("INSERT …", {}, Exception("duplicate key"))],
)
def test_other_errors_are_not_retried(error: Exception) -> None:
    step = Flaky([error])
    with pytest.raises(type(error)):
        retry_transient(step, sleep=lambda _: None)
    assert step.calls == 1
    assert not is_transient_database_error(error)


def test_a_wrapped_connection_error_counts_as_transient() -> None:
    try:
        try:
            raise _server_shutting_down()
        except sa.exc.OperationalError as exc:
            raise RuntimeError("store write failed") from exc
    except RuntimeError as wrapped:
        assert is_transient_database_error(wrapped)


def test_a_server_shutdown_from_the_driver_counts_as_transient() -> None:
    import psycopg

    assert is_transient_database_error(psycopg.errors.AdminShutdown("terminating connection"))
