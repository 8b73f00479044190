"""The Durability port on DBOS: steps, timers, mailboxes and fork branches as child workflows.

Each leaf task of a playbook is one ``DBOS.run_step``; a fork branch is a child
workflow (so branches run in parallel and recover independently); ``listen`` and human
approvals wait in ``DBOS.recv``; ``wait`` and retry delays are ``DBOS.sleep``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from dbos import DBOS

from procureflow.domain.clock import utcnow
from procureflow.runtime.ports import BranchCall, BranchResult

T = TypeVar("T")
P = ParamSpec("P")

# A wait is made of bounded receives: a thread blocked in one receive holds up the exit
# of its process until that receive times out, so none lasts longer than this.
RECEIVE_CHUNK_SECONDS = 30.0

logger = logging.getLogger(__name__)


# A database that restarts or fails over refuses connections for a few seconds; a step
# that meets such an error is run again after a pause instead of faulting its instance.
TRANSIENT_ATTEMPTS = 8
TRANSIENT_FIRST_DELAY_SECONDS = 0.5
TRANSIENT_MAX_DELAY_SECONDS = 10.0
_TRANSIENT_NAMES = frozenset({"OperationalError", "InterfaceError", "DisconnectionError"})


def is_transient_database_error(exc: BaseException) -> bool:
    """True for a lost or refused database connection (or a busy SQLite file): errors that
    go away by themselves, raised by the database driver or SQLAlchemy."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for kind in type(current).__mro__:  # e.g. psycopg's AdminShutdown is one
            module = kind.__module__.split(".")[0]
            if module in {"sqlalchemy", "psycopg", "sqlite3"} and kind.__name__ in _TRANSIENT_NAMES:
                return True
        current = current.__cause__ or current.__context__
    return False


def retry_transient(
    fn: Callable[[], T],
    *,
    attempts: int = TRANSIENT_ATTEMPTS,
    first_delay: float = TRANSIENT_FIRST_DELAY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn``; on a transient database error run it again after a pause that doubles
    (bounded), at most ``attempts`` times in all. Steps are idempotent, so a repeat of a
    half-done step writes nothing twice."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts or not is_transient_database_error(exc):
                raise
            logger.warning("database unavailable (%s); step again in %.1f s", exc, delay)
            sleep(delay)
            delay = min(delay * 2, TRANSIENT_MAX_DELAY_SECONDS)
    raise AssertionError("unreachable")


class EngineStopped(BaseException):
    """The durable engine of this process stopped while an instance was running or waiting.

    Raised in the instance's own thread when it next reaches the engine. The instance is
    left exactly as the database has it and resumes at the next start (same executor
    id). A ``BaseException`` on purpose: neither a playbook's ``try``/``catch`` nor the
    engine's error path may record a shutdown as the instance's failure, and nothing is
    logged for it — stopping while instances wait is normal.
    """


class _EngineGeneration:
    """Which launch of the engine is running, so a thread of an earlier launch never
    reaches the engine of a later one (tests and ``serve`` restart it in one process)."""

    def __init__(self) -> None:
        self.number = 0
        self.running = False

    def started(self) -> None:
        self.number += 1
        self.running = True

    def stopping(self) -> None:
        self.running = False

    def is_current(self, number: int) -> bool:
        return self.running and number == self.number


engine_generation = _EngineGeneration()


class DbosDurability:
    """Durable execution for one instance (or one fork branch of it)."""

    def __init__(
        self,
        instance_id: str,
        branch_runner: Callable[..., Any],
    ) -> None:
        self.instance_id = instance_id
        self._branch_runner = branch_runner
        self._generation = engine_generation.number

    def _engine(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Make one call into the engine, or stop this thread if the engine is gone."""
        if not engine_generation.is_current(self._generation):
            raise EngineStopped
        try:
            return call(*args, **kwargs)
        except Exception:
            if not engine_generation.is_current(self._generation):
                raise EngineStopped from None
            raise

    def step(self, key: str, fn: Callable[[], T]) -> T:
        """One checkpointed step named by the task key."""

        def checkpointed() -> T:
            return DBOS.run_step({"name": key[:900]}, lambda: retry_transient(fn))

        return self._engine(checkpointed)

    def sleep(self, key: str, seconds: float) -> None:  # noqa: ARG002 - key names the timer
        """A durable timer (the wake-up time is checkpointed)."""
        self._engine(DBOS.sleep, max(0.0, seconds))

    def receive(self, key: str, topic: str, timeout_seconds: float | None) -> Any | None:  # noqa: ARG002
        """The next message on ``topic`` for this workflow, or None after the timeout.

        The wait is cut into chunks whose lengths follow from the timeout alone, so a
        replay makes the same calls and DBOS hands back the same recorded outcomes.
        """
        remaining = None if timeout_seconds is None else max(0.0, timeout_seconds)
        while True:
            chunk = (
                RECEIVE_CHUNK_SECONDS
                if remaining is None
                else min(RECEIVE_CHUNK_SECONDS, remaining)
            )
            message = self._engine(DBOS.recv, topic, timeout_seconds=chunk)
            if message is not None:
                return message
            if remaining is not None:
                remaining -= chunk
                if remaining <= 0:
                    return None

    def run_branches(
        self,
        key: str,  # noqa: ARG002 - each branch carries its own key
        branches: Sequence[BranchCall],
        compete: bool,
    ) -> list[BranchResult]:
        """Start one child workflow per branch and gather their results."""
        handles = [
            self._engine(
                DBOS.start_workflow,
                self._branch_runner,
                self.instance_id,
                branch.pointer,
                branch.input,
                branch.context,
                branch.key,
            )
            for branch in branches
        ]
        if compete:
            first = self._engine(DBOS.wait_first, handles)
            for handle in handles:
                if handle.workflow_id != first.workflow_id:
                    self._engine(DBOS.cancel_workflow, handle.workflow_id)
            return [_as_result(self._engine(first.get_result))]
        return [_as_result(self._engine(handle.get_result)) for handle in handles]

    def now(self) -> datetime:
        """Wall-clock time; used for timestamps only, never to choose a path."""
        return utcnow()


def _as_result(value: Any) -> BranchResult:
    if isinstance(value, BranchResult):
        return value
    if isinstance(value, dict) and "completed" in value:
        return BranchResult(
            output=value.get("output"),
            error=value.get("error"),
            context=value.get("context"),
            completed=bool(value["completed"]),
        )
    return BranchResult(output=value)


__all__ = [
    "RECEIVE_CHUNK_SECONDS",
    "DbosDurability",
    "EngineStopped",
    "is_transient_database_error",
    "retry_transient",
    "engine_generation",
]
