"""The tasks of the DSL 1.0 and the workflow document that holds them.

A task list is a list of single-key maps (task name → task). The kind of a task is told
by the key it carries (``call``, ``do``, ``fork``, ``for`` …) and, for ``call``, by the
protocol named; only the matching model validates it, so errors name the real problem.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from procureflow.playbooks.model_calls import (
    CALL_PROTOCOLS,
    CallA2ATask,
    CallAsyncApiTask,
    CallFunctionTask,
    CallGrpcTask,
    CallHttpTask,
    CallMcpTask,
    CallOpenApiTask,
    HttpArguments,
)
from procureflow.playbooks.model_common import (
    AuthenticationPolicy,
    Catalog,
    Document,
    Duration,
    ErrorDefinition,
    ErrorFilter,
    EventConsumption,
    Export,
    Input,
    Model,
    Output,
    RetryPolicy,
    RetryPolicyOrRef,
    Schedule,
    TaskBase,
    Timeout,
    TimeoutOrRef,
    _one_of_keys,
    _string_tag,
)

TASK_KEYWORDS = (
    "call",
    "fork",
    "emit",
    "for",
    "listen",
    "raise",
    "run",
    "set",
    "switch",
    "try",
    "wait",
    "do",
)
COMMON_FIELDS = ("if", "input", "output", "export", "timeout", "then", "metadata")


class DoTask(TaskBase):
    """Runs a task list in sequence."""

    do: TaskList


class ForkConfig(Model):
    """The concurrent branches of a fork and whether they compete."""

    branches: TaskList
    compete: bool = False


class ForkTask(TaskBase):
    """Runs branches concurrently; with ``compete`` the first to finish wins."""

    fork: ForkConfig


class EmitEvent(Model):
    """The event to emit; ``with`` holds its CloudEvents attributes."""

    model_config = Model.model_config | {"extra": "allow"}
    with_: dict[str, Any] = Field(alias="with")

    @model_validator(mode="after")
    def _source_and_type(self) -> EmitEvent:
        missing = [key for key in ("source", "type") if key not in self.with_]
        if missing:
            raise PydanticCustomError(
                "event_attributes", "the event needs {missing}", {"missing": " and ".join(missing)}
            )
        return self


class EmitConfig(Model):
    """What an emit task publishes."""

    event: EmitEvent


class EmitTask(TaskBase):
    """Publishes a CloudEvent."""

    emit: EmitConfig


class ForConfig(Model):
    """The loop: variable names and the collection expression."""

    expression_fields = frozenset({"in"})
    each: str = "item"
    in_: str = Field(alias="in")
    at: str = "index"


class ForTask(TaskBase):
    """Runs ``do`` for each item of a collection, while a condition holds."""

    expression_fields = frozenset({"if", "while"})
    for_: ForConfig = Field(alias="for")
    while_: str | None = Field(None, alias="while")
    do: TaskList


class SubscriptionIterator(Model):
    """Runs tasks for each consumed event (``listen.foreach``)."""

    item: str = "item"
    at: str = "index"
    do: TaskList | None = None
    output: Output | None = None
    export: Export | None = None


class ListenConfig(Model):
    """Which events to wait for and how to read them."""

    to: EventConsumption
    read: Literal["data", "envelope", "raw"] = "data"


class ListenTask(TaskBase):
    """Waits for events."""

    listen: ListenConfig
    foreach: SubscriptionIterator | None = None


class RaiseConfig(Model):
    """The error to raise, inline or by name from ``use.errors``."""

    error: Annotated[
        Annotated[ErrorDefinition, Tag("#def")] | Annotated[str, Tag("#ref")],
        Discriminator(_string_tag),
    ]


class RaiseTask(TaskBase):
    """Raises an error."""

    raise_: RaiseConfig = Field(alias="raise")


class RunConfig(Model):
    """A process to run: container, script, shell or workflow (parsed, not executed)."""

    await_: bool = Field(True, alias="await")
    return_: Literal["stdout", "stderr", "code", "all", "none"] = Field("stdout", alias="return")
    container: dict[str, Any] | None = None
    script: dict[str, Any] | None = None
    shell: dict[str, Any] | None = None
    workflow: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, value: Any) -> Any:
        return _one_of_keys(value, ("container", "script", "shell", "workflow"), "run")


class RunTask(TaskBase):
    """Runs a process (not supported at run time by ProcureFlow)."""

    run: RunConfig


class SetTask(TaskBase):
    """Sets data: an object whose ``${ … }`` values are evaluated, or one expression."""

    set: Annotated[
        Annotated[dict[str, Any], Tag("#def")] | Annotated[str, Tag("#ref")],
        Discriminator(_string_tag),
    ]


class SwitchCase(Model):
    """A switch case: when its condition holds (or always, without one), go ``then``."""

    expression_fields = frozenset({"when"})
    when: str | None = None
    then: str


def _single_key(value: Any) -> Any:
    if isinstance(value, dict) and len(value) != 1:
        raise PydanticCustomError(
            "single_key",
            "each item must name exactly one entry, found {count}: {names}",
            {"count": len(value), "names": ", ".join(str(key) for key in value)},
        )
    return value


class SwitchTask(TaskBase):
    """Picks the first case whose ``when`` holds."""

    switch: list[Annotated[dict[str, SwitchCase], BeforeValidator(_single_key)]] = Field(
        min_length=1
    )


class CatchErrors(Model):
    """The static filter of a catch."""

    with_: ErrorFilter | None = Field(None, alias="with")


class Catch(Model):
    """Which errors a try catches, how to retry, and what to do then."""

    expression_fields = frozenset({"when", "exceptWhen"})
    errors: CatchErrors | None = None
    as_: str | None = Field(None, alias="as")
    when: str | None = None
    except_when: str | None = Field(None, alias="exceptWhen")
    retry: RetryPolicyOrRef | None = None
    do: TaskList | None = None


class TryTask(TaskBase):
    """Runs tasks and handles their errors."""

    try_: TaskList = Field(alias="try")
    catch: Catch


class WaitTask(TaskBase):
    """Pauses for a duration."""

    wait: Duration


class UnknownTask(TaskBase):
    """Stands for a task whose type is not one of the DSL's; always refused."""

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise PydanticCustomError("task_type", "a task must be a mapping of its fields")
        unknown = [str(key) for key in value if key not in COMMON_FIELDS]
        raise PydanticCustomError(
            "task_type",
            "unknown task type {found} (expected one of {known})",
            {
                "found": ", ".join(f"'{key}'" for key in unknown) or "(none given)",
                "known": ", ".join(TASK_KEYWORDS),
            },
        )


def _task_tag(value: Any) -> str:
    if isinstance(value, dict):
        if "call" in value:
            call = value["call"]
            return f"#call:{call}" if call in CALL_PROTOCOLS else "#call:function"
        for keyword in TASK_KEYWORDS[1:]:
            if keyword in value:
                return f"#{keyword}"
    if isinstance(value, TaskBase):
        return _TAGS.get(type(value), "#unknown")
    return "#unknown"


Task = Annotated[
    Annotated[CallHttpTask, Tag("#call:http")]
    | Annotated[CallGrpcTask, Tag("#call:grpc")]
    | Annotated[CallOpenApiTask, Tag("#call:openapi")]
    | Annotated[CallAsyncApiTask, Tag("#call:asyncapi")]
    | Annotated[CallA2ATask, Tag("#call:a2a")]
    | Annotated[CallMcpTask, Tag("#call:mcp")]
    | Annotated[CallFunctionTask, Tag("#call:function")]
    | Annotated[DoTask, Tag("#do")]
    | Annotated[ForkTask, Tag("#fork")]
    | Annotated[EmitTask, Tag("#emit")]
    | Annotated[ForTask, Tag("#for")]
    | Annotated[ListenTask, Tag("#listen")]
    | Annotated[RaiseTask, Tag("#raise")]
    | Annotated[RunTask, Tag("#run")]
    | Annotated[SetTask, Tag("#set")]
    | Annotated[SwitchTask, Tag("#switch")]
    | Annotated[TryTask, Tag("#try")]
    | Annotated[WaitTask, Tag("#wait")]
    | Annotated[UnknownTask, Tag("#unknown")],
    Discriminator(_task_tag),
]

TaskList = list[Annotated[dict[str, Task], BeforeValidator(_single_key)]]

_KINDS: dict[type[TaskBase], str] = {
    CallHttpTask: "call",
    CallGrpcTask: "call",
    CallOpenApiTask: "call",
    CallAsyncApiTask: "call",
    CallA2ATask: "call",
    CallMcpTask: "call",
    CallFunctionTask: "call",
    DoTask: "do",
    ForkTask: "fork",
    EmitTask: "emit",
    ForTask: "for",
    ListenTask: "listen",
    RaiseTask: "raise",
    RunTask: "run",
    SetTask: "set",
    SwitchTask: "switch",
    TryTask: "try",
    WaitTask: "wait",
}


_TAGS: dict[type[TaskBase], str] = {
    CallHttpTask: "#call:http",
    CallGrpcTask: "#call:grpc",
    CallOpenApiTask: "#call:openapi",
    CallAsyncApiTask: "#call:asyncapi",
    CallA2ATask: "#call:a2a",
    CallMcpTask: "#call:mcp",
    CallFunctionTask: "#call:function",
    **{cls: f"#{kind}" for cls, kind in _KINDS.items() if kind != "call"},
}


def task_kind(task: Any) -> str:
    """The DSL type name of a task model (``call``, ``do``, ``fork`` …)."""
    return _KINDS.get(type(task), "unknown")


class Extension(Model):
    """Tasks to run before/after tasks of a given kind."""

    expression_fields = frozenset({"when"})
    extend: Literal[
        "call",
        "composite",
        "emit",
        "for",
        "listen",
        "raise",
        "run",
        "set",
        "switch",
        "try",
        "wait",
        "all",
    ]
    when: str | None = None
    before: TaskList | None = None
    after: TaskList | None = None


class Use(Model):
    """Reusable components: functions, errors, retries, authentications, secrets …"""

    authentications: dict[str, AuthenticationPolicy] | None = None
    errors: dict[str, ErrorDefinition] | None = None
    extensions: list[Annotated[dict[str, Extension], BeforeValidator(_single_key)]] | None = None
    functions: dict[str, Task] | None = None
    retries: dict[str, RetryPolicy] | None = None
    secrets: list[str] | None = None
    timeouts: dict[str, Timeout] | None = None
    catalogs: dict[str, Catalog] | None = None


class Workflow(Model):
    """A whole DSL 1.0 document."""

    document: Document
    input: Input | None = None
    use: Use | None = None
    do: TaskList
    timeout: TimeoutOrRef | None = None
    output: Output | None = None
    schedule: Schedule | None = None


_RECURSIVE: list[type[Model]] = [*_KINDS, SubscriptionIterator, Extension, Use, Workflow]
_RECURSIVE += [ForkConfig, Catch]
for _model in _RECURSIVE:
    _model.model_rebuild()

__all__ = [
    "CALL_PROTOCOLS",
    "COMMON_FIELDS",
    "TASK_KEYWORDS",
    "Catch",
    "CallA2ATask",
    "CallAsyncApiTask",
    "CallFunctionTask",
    "CallGrpcTask",
    "CallHttpTask",
    "CallMcpTask",
    "CallOpenApiTask",
    "DoTask",
    "EmitTask",
    "Extension",
    "ForConfig",
    "ForTask",
    "ForkConfig",
    "ForkTask",
    "HttpArguments",
    "ListenTask",
    "RaiseTask",
    "RunTask",
    "SetTask",
    "SubscriptionIterator",
    "SwitchCase",
    "SwitchTask",
    "Task",
    "TaskBase",
    "TaskList",
    "TryTask",
    "UnknownTask",
    "WaitTask",
    "Workflow",
    "task_kind",
]
