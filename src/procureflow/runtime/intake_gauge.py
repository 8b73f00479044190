"""Backpressure at the door: when more instances wait for a worker than the workers are
set to take, new work is refused (HTTP 503 with Retry-After) instead of piling up.

Accepting stays one short transaction: the depth is read at most once a second per
process (a bounded count of the durable queue), so a busy intake does not add a query to
every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from procureflow.errors import EngineUnavailable, Overloaded
from procureflow.runtime import launch as launching
from procureflow.runtime.instance_control import workflow_control
from procureflow.runtime.services import Services

READ_EVERY_SECONDS = 1.0


def queued_instances(svc: Services, up_to: int) -> int:
    """How many instances wait on the shared queue for a worker, counted up to ``up_to``
    (0 in a process that neither runs the engine nor has a client: nothing to measure)."""
    try:
        control = workflow_control(svc)
    except EngineUnavailable:
        return 0
    waiting = control.list_queued_workflows(
        queue_name=launching.QUEUE_NAME,
        status="ENQUEUED",
        limit=up_to,
        load_input=False,
        load_output=False,
    )
    return len(waiting)


class IntakeGauge:
    """Refuses new work while the queue is at or over ``limit`` (0: never)."""

    def __init__(
        self,
        depth: Callable[[int], int],
        *,
        limit: int,
        retry_after_seconds: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._depth = depth
        self.limit = limit
        self.retry_after_seconds = retry_after_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._last = 0

    def depth(self) -> int:
        """The queue depth, read again when the last reading is over a second old."""
        with self._lock:
            now = self._clock()
            if now - self._read_at >= READ_EVERY_SECONDS:
                self._last = self._depth(self.limit)
                self._read_at = now
            return self._last

    def check(self) -> None:
        """Raise :class:`Overloaded` when the queue is full."""
        if self.limit and self.depth() >= self.limit:
            raise Overloaded(
                f"{self.limit} or more instances are waiting for a worker; "
                f"try again in {self.retry_after_seconds} s",
                retry_after_seconds=self.retry_after_seconds,
            )


def intake_gauge(svc: Services) -> IntakeGauge:
    """This process's gauge, made from the settings on first use."""
    found = svc.extras.get("intake_gauge")
    if found is None:
        found = svc.extras["intake_gauge"] = IntakeGauge(
            lambda up_to: queued_instances(svc, up_to),
            limit=svc.settings.intake_max_queued,
            retry_after_seconds=svc.settings.intake_retry_after_seconds,
        )
    return found


__all__ = ["IntakeGauge", "intake_gauge", "queued_instances"]
