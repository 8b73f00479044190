"""The ports the playbook interpreter is driven through.

The interpreter itself is pure: it never sleeps, waits, talks to a database or the
network on its own. Durability (steps recorded once and replayed, timers, mailboxes,
parallel branches), custom functions, events, HTTP and observation of task results all
come in through the small protocols below. The in-memory twins live in
:mod:`procureflow.runtime.memory`; the durable ones are built on DBOS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

T = TypeVar("T")

TaskStatus = Literal["completed", "faulted", "skipped", "waiting"]


@dataclass(frozen=True)
class BranchCall:
    """One fork branch to run: enough for another process to rebuild and run it.

    ``pointer`` is the JSON pointer of the branch's one-task list inside the playbook
    document (e.g. ``/do/0/checkAll/fork/branches/1``); ``key`` is the unique durable key
    prefix of the branch within the instance.
    """

    pointer: str
    input: Any
    context: Any
    key: str
    name: str = ""


@dataclass(frozen=True)
class BranchResult:
    """What one fork branch produced: its output, or the DSL error object it faulted with."""

    output: Any = None
    error: dict[str, Any] | None = None
    context: Any = None
    completed: bool = True


class Durability(Protocol):
    """Durable execution primitives; every ``key`` is unique per execution in an instance."""

    def step(self, key: str, fn: Callable[[], T]) -> T:
        """Run ``fn`` exactly once durably; on replay return the recorded (JSON) value."""
        ...

    def sleep(self, key: str, seconds: float) -> None:
        """Durable timer: return after ``seconds`` even across restarts."""
        ...

    def receive(self, key: str, topic: str, timeout_seconds: float | None) -> Any | None:
        """Wait for a message sent to this instance on ``topic``; None on timeout."""
        ...

    def run_branches(
        self, key: str, branches: Sequence[BranchCall], compete: bool
    ) -> list[BranchResult]:
        """Run fork branches in parallel (each via ``Interpreter.run_branch``).

        With ``compete`` the list holds the first branch to complete (others cancelled
        or ignored); otherwise one result per branch in order.
        """
        ...

    def now(self) -> datetime:
        """Deterministic (recorded) current time, aware UTC."""
        ...


@dataclass(frozen=True)
class TaskRecord:
    """What the observer gets for each executed task."""

    key: str
    pointer: str
    name: str
    type: str
    status: TaskStatus
    input: Any
    output: Any
    error: dict[str, Any] | None
    started_at: datetime
    ended_at: datetime | None


class TaskObserver(Protocol):
    """Told about each task; called inside the task's durable step so writes commit with it."""

    def task_finished(self, record: TaskRecord) -> None:
        """A task completed, faulted or was skipped (one durable step per leaf task)."""
        ...

    def task_waiting(self, record: TaskRecord) -> None:
        """A task started waiting (listen, approval, wait)."""
        ...


@dataclass(frozen=True)
class CallContext:
    """Everything a custom function may need besides its evaluated arguments."""

    instance_id: str
    task_key: str
    task_name: str
    pointer: str
    idempotency_key: str
    durability: Durability
    workflow: dict[str, Any]
    input: Any = None
    context: Any = None


@dataclass(frozen=True)
class FunctionSpec:
    """A custom function callable from a playbook with ``call: <name>``.

    ``fn`` receives the evaluated ``with`` arguments. With ``durable_step`` True the
    interpreter runs ``fn`` inside ONE durable step together with the observer call;
    with False ``fn`` runs in workflow context and uses ``ctx.durability`` itself
    (steps, receive, sleep), e.g. a human approval with SLA timer and escalation, and
    the interpreter records the task in a step afterwards.
    """

    name: str
    fn: Callable[[dict[str, Any], CallContext], Any]
    durable_step: bool = True
    description: str = ""


class FunctionRegistry(Protocol):
    """Looks up custom functions by name."""

    def get(self, name: str) -> FunctionSpec | None:
        """The function called ``name``, or None."""
        ...

    def names(self) -> set[str]:
        """Every registered function name (used to validate playbooks)."""
        ...


class EventPort(Protocol):
    """Publishing and subscribing to CloudEvents."""

    def publish(self, event: dict[str, Any]) -> None:
        """Publish a complete CloudEvents 1.0 JSON event (called inside a step)."""
        ...

    def subscribe(
        self, instance_id: str, key: str, topic: str, filters: list[dict[str, Any]]
    ) -> None:
        """Route matching events to this instance's ``topic`` (called inside a step).

        ``filters`` are concrete: expressions evaluated, correlation ``expect`` resolved.
        An event is delivered when :func:`procureflow.playbooks.event_matches` is true
        for any of them.
        """
        ...

    def unsubscribe(self, instance_id: str, key: str) -> None:
        """Stop routing events for the subscription ``key``."""
        ...


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request an ``call: http`` task sends."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    follow_redirects: bool = False
    timeout_seconds: float | None = None


@dataclass(frozen=True)
class HttpResponse:
    """What came back: status, headers and the body (parsed JSON when it is JSON)."""

    status: int
    headers: dict[str, str]
    content: Any
    raw: str


class HttpPort(Protocol):
    """Sends HTTP requests for ``call: http`` (an adapter implements it with httpx)."""

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``; raise ``OSError``/``TimeoutError`` when it cannot be sent."""
        ...


__all__ = [
    "BranchCall",
    "BranchResult",
    "CallContext",
    "Durability",
    "EventPort",
    "FunctionRegistry",
    "FunctionSpec",
    "HttpPort",
    "HttpRequest",
    "HttpResponse",
    "TaskObserver",
    "TaskRecord",
    "TaskStatus",
]
