"""In-memory twins of the runtime ports, for tests, conformance runs and ``--in-memory``.

``InMemoryDurability`` records each step's value by key (a second run over the same
object replays them), sleeps on an injectable clock, delivers messages from a mailbox
and runs fork branches on a small thread pool. ``InMemoryRuntime`` wires everything to
run a playbook in one call.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from procureflow.domain.clock import utcnow
from procureflow.playbooks.events import event_matches
from procureflow.playbooks.loader import Playbook
from procureflow.runtime.faults import WorkflowFaulted
from procureflow.runtime.ports import (
    BranchCall,
    BranchResult,
    CallContext,
    FunctionSpec,
    HttpPort,
    TaskRecord,
)

T = TypeVar("T")


class Clock(Protocol):
    """Time source and sleeper (real, or fake for tests)."""

    def now(self) -> datetime:
        """The current time, aware UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        ...


class RealClock:
    """Wall-clock time and real sleeping."""

    def now(self) -> datetime:
        """The current time, aware UTC."""
        return utcnow()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        time.sleep(max(0.0, seconds))


@dataclass
class FakeClock:
    """A clock that moves only when slept on: timers and retries cost no real time."""

    current: datetime = field(default_factory=utcnow)
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        """The fake current time."""
        return self.current

    def sleep(self, seconds: float) -> None:
        """Advance the fake time by ``seconds`` and remember the sleep."""
        self.slept.append(seconds)
        self.current += timedelta(seconds=max(0.0, seconds))


class InMemoryDurability:
    """Durability in process memory; step values are kept by key and replayed."""

    def __init__(
        self,
        clock: Clock | None = None,
        branch_runner: Callable[[BranchCall], BranchResult] | None = None,
        max_workers: int = 4,
    ) -> None:
        self.clock: Clock = clock or RealClock()
        self.branch_runner = branch_runner
        self.max_workers = max_workers
        self.recorded: dict[str, Any] = {}
        self.executed: list[str] = []
        self._mailbox: dict[str, deque[Any]] = defaultdict(deque)
        self._arrived = threading.Condition()

    def step(self, key: str, fn: Callable[[], T]) -> T:
        """Run ``fn`` once per key; a key seen before returns its recorded value."""
        if key in self.recorded:
            value: T = self.recorded[key]
            return value
        result = fn()
        self.recorded[key] = result
        self.executed.append(key)
        return result

    def sleep(self, key: str, seconds: float) -> None:
        """Sleep on the clock (once per key: a replay does not sleep again)."""
        self.step(f"{key}#timer", lambda: self.clock.sleep(seconds))

    def send(self, topic: str, message: Any) -> None:
        """Put a message in the mailbox of ``topic``."""
        with self._arrived:
            self._mailbox[topic].append(message)
            self._arrived.notify_all()

    def receive(self, key: str, topic: str, timeout_seconds: float | None) -> Any | None:
        """The next message on ``topic``; None after the timeout (on the fake clock at once)."""
        if key in self.recorded:
            return self.recorded[key]
        with self._arrived:
            deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
            while not self._mailbox[topic]:
                if isinstance(self.clock, FakeClock) and timeout_seconds is not None:
                    self.clock.sleep(timeout_seconds)
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._arrived.wait(remaining)
            message = self._mailbox[topic].popleft() if self._mailbox[topic] else None
        self.recorded[key] = message
        self.executed.append(key)
        return message

    def run_branches(
        self, key: str, branches: Sequence[BranchCall], compete: bool
    ) -> list[BranchResult]:
        """Run branches on a thread pool; with ``compete`` only the first to finish counts."""
        if self.branch_runner is None:
            raise RuntimeError("InMemoryDurability needs a branch_runner to run fork branches")
        runner = self.branch_runner
        if key in self.recorded:
            return [BranchResult(**item) for item in self.recorded[key]]
        pool = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="branch")
        try:
            futures = [pool.submit(runner, branch) for branch in branches]
            if compete:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                results = [next(iter(done)).result()]
            else:
                results = [future.result() for future in futures]
        finally:
            pool.shutdown(wait=not compete, cancel_futures=compete)
        self.recorded[key] = [r.__dict__ for r in results]
        self.executed.append(key)
        return results

    def now(self) -> datetime:
        """The clock's current time."""
        return self.clock.now()


class InMemoryEvents:
    """Published events and listen subscriptions; matching events go to the mailbox."""

    def __init__(self, durability: InMemoryDurability | None = None) -> None:
        self.durability = durability
        self.published: list[dict[str, Any]] = []
        self.pending: list[dict[str, Any]] = []
        self.subscriptions: dict[tuple[str, str], tuple[str, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def publish(self, event: dict[str, Any]) -> None:
        """Record an emitted event and deliver it to matching subscriptions."""
        with self._lock:
            self.published.append(event)
        self.deliver(event)

    def deliver(self, event: dict[str, Any]) -> int:
        """Deliver an incoming event; kept for later subscribers when nobody matches now."""
        with self._lock:
            targets = [
                topic
                for topic, filters in self.subscriptions.values()
                if any(event_matches(f, event) for f in filters)
            ]
            if not targets:
                self.pending.append(event)
        for topic in targets:
            if self.durability is not None:
                self.durability.send(topic, event)
        return len(targets)

    def subscribe(
        self, instance_id: str, key: str, topic: str, filters: list[dict[str, Any]]
    ) -> None:
        """Register a listen; pending events that match are delivered at once."""
        with self._lock:
            self.subscriptions[(instance_id, key)] = (topic, filters)
            matched = [e for e in self.pending if any(event_matches(f, e) for f in filters)]
            self.pending = [e for e in self.pending if e not in matched]
        for event in matched:
            if self.durability is not None:
                self.durability.send(topic, event)

    def unsubscribe(self, instance_id: str, key: str) -> None:
        """Forget a listen."""
        with self._lock:
            self.subscriptions.pop((instance_id, key), None)


class DictFunctionRegistry:
    """Custom functions held in a dict."""

    def __init__(self, specs: Sequence[FunctionSpec] = ()) -> None:
        self._specs = {spec.name: spec for spec in specs}

    def register(
        self,
        name: str,
        fn: Callable[[dict[str, Any], CallContext], Any],
        *,
        durable_step: bool = True,
    ) -> None:
        """Add (or replace) a function."""
        self._specs[name] = FunctionSpec(name=name, fn=fn, durable_step=durable_step)

    def get(self, name: str) -> FunctionSpec | None:
        """The function called ``name``, or None."""
        return self._specs.get(name)

    def names(self) -> set[str]:
        """Every registered name."""
        return set(self._specs)


class RecordingObserver:
    """Keeps every task record, in order."""

    def __init__(self) -> None:
        self.finished: list[TaskRecord] = []
        self.waiting: list[TaskRecord] = []
        self._lock = threading.Lock()

    def task_finished(self, record: TaskRecord) -> None:
        """Remember a finished task."""
        with self._lock:
            self.finished.append(record)

    def task_waiting(self, record: TaskRecord) -> None:
        """Remember a waiting task."""
        with self._lock:
            self.waiting.append(record)

    def names(self, status: str = "completed") -> list[str]:
        """Names of the tasks that ended with ``status``, in order."""
        return [r.name for r in self.finished if r.status == status]


@dataclass
class InMemoryRuntime:
    """Every in-memory port wired together: run a playbook in one call."""

    clock: Clock = field(default_factory=RealClock)
    functions: DictFunctionRegistry = field(default_factory=DictFunctionRegistry)
    http: HttpPort | None = None
    secrets: dict[str, Any] = field(default_factory=dict)
    observer: RecordingObserver = field(default_factory=RecordingObserver)
    durability: InMemoryDurability = field(init=False)
    events: InMemoryEvents = field(init=False)

    def __post_init__(self) -> None:
        self.durability = InMemoryDurability(self.clock)
        self.events = InMemoryEvents(self.durability)

    def interpreter(self, playbook: Playbook, instance_id: str) -> Any:
        """An interpreter for ``instance_id`` over these ports (fork branches included)."""
        from procureflow.runtime.interpreter import Interpreter

        def make() -> Interpreter:
            return Interpreter(
                playbook,
                instance_id=instance_id,
                durability=self.durability,
                functions=self.functions,
                events=self.events,
                observer=self.observer,
                secrets=self.secrets,
                http=self.http,
            )

        self.durability.branch_runner = lambda call: make().run_branch(
            call.pointer, call.input, call.context, call.key
        )
        return make()

    def run(self, playbook: Playbook, input: Any = None, instance_id: str | None = None) -> Any:
        """Run ``playbook`` to its end; raise :class:`WorkflowFaulted` on an uncaught error."""
        interpreter = self.interpreter(playbook, instance_id or str(uuid.uuid4()))
        return interpreter.run({} if input is None else input)


__all__ = [
    "Clock",
    "DictFunctionRegistry",
    "FakeClock",
    "InMemoryDurability",
    "InMemoryEvents",
    "InMemoryRuntime",
    "RealClock",
    "RecordingObserver",
    "WorkflowFaulted",
]
