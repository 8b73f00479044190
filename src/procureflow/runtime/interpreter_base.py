"""State and shared machinery of the playbook interpreter: data flow, expressions, steps.

Data flow per task (DSL 1.0): the raw input is filtered by ``input.from``; ``if`` is
checked on it; the task runs; its output is shaped by ``output.as``; ``export.as`` sets
``$context``; the shaped output is the next task's raw input.

A leaf task is exactly one durable step that does the work AND tells the observer, so
the store write commits with it; the step returns a JSON record (status, output, new
context, flow directive, or the error) so that a replay takes the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import procureflow
from procureflow.errors import ExpressionError, ProcureFlowError
from procureflow.playbooks.expressions import evaluate, evaluate_condition, evaluate_value
from procureflow.playbooks.loader import Playbook
from procureflow.playbooks.model_common import SchemaDefinition
from procureflow.playbooks.model_tasks import TaskBase, task_kind
from procureflow.playbooks.schemas import schema_violation
from procureflow.runtime.faults import WorkflowFaulted, fault
from procureflow.runtime.ports import (
    Durability,
    EventPort,
    FunctionRegistry,
    HttpPort,
    TaskObserver,
    TaskRecord,
    TaskStatus,
)

Scope = dict[str, Any]
Work = Callable[[Any, Scope], tuple[Any, str | None]]
RUNTIME_DESCRIPTOR = {"name": "procureflow", "version": procureflow.__version__, "metadata": {}}


@dataclass(frozen=True)
class Flow:
    """What running a task or a task list produced, and where the flow goes next."""

    output: Any
    directive: str = "continue"


class InterpreterBase:
    """Holds one instance's ports and state; the task kinds are implemented in mixins."""

    def __init__(
        self,
        playbook: Playbook,
        *,
        instance_id: str,
        durability: Durability,
        functions: FunctionRegistry,
        events: EventPort,
        observer: TaskObserver,
        secrets: dict[str, Any] | None = None,
        http: HttpPort | None = None,
    ) -> None:
        self.playbook = playbook
        self.workflow = playbook.workflow
        self.instance_id = instance_id
        self.durability = durability
        self.functions = functions
        self.events = events
        self.observer = observer
        self.secrets = dict(secrets or {})
        self.http = http
        self.context: Any = {}
        self.workflow_input: Any = None
        # Deadlines of the enclosing workflow/task timeouts: (ISO instant, owner pointer).
        self.deadlines: list[tuple[str, str]] = []

    # -- expressions -------------------------------------------------------------------

    def variables(self, scope: Scope, task_input: Any, name: str, pointer: str) -> Scope:
        """The jq variables of a task: ``$context``, ``$input``, ``$task`` … plus scope vars."""
        return {
            "context": self.context,
            "input": task_input,
            "secrets": self.secrets,
            "task": {"name": name, "reference": pointer},
            "workflow": {
                "id": self.instance_id,
                "definition": self.playbook.data,
                "input": self.workflow_input,
            },
            "runtime": RUNTIME_DESCRIPTOR,
            "authorization": None,
            **scope,
        }

    def eval(self, text: Any, data: Any, variables: Scope, pointer: str, *, bare: bool) -> Any:
        """Evaluate a field; a failing expression becomes a DSL ``expression`` error."""
        try:
            return evaluate_value(text, data, variables, bare=bare)
        except ExpressionError as exc:
            raise fault("expression", 400, "Expression failed", str(exc), pointer) from None

    def condition(self, text: str, data: Any, variables: Scope, pointer: str) -> bool:
        """Evaluate a condition (``if``, ``when``, ``while``) with jq truthiness."""
        try:
            return evaluate_condition(text, data, variables)
        except ExpressionError as exc:
            raise fault("expression", 400, "Expression failed", str(exc), pointer) from None

    def evaluate_one(self, text: str, data: Any, variables: Scope, pointer: str) -> Any:
        """Evaluate one expression (bare or ``${ … }``)."""
        try:
            return evaluate(text, data, variables)
        except ExpressionError as exc:
            raise fault("expression", 400, "Expression failed", str(exc), pointer) from None

    # -- data flow ---------------------------------------------------------------------

    def check_schema(
        self, schema: SchemaDefinition | None, value: Any, pointer: str, what: str
    ) -> None:
        """Fault with a ``validation`` error when ``value`` breaks ``schema``."""
        if schema is None:
            return
        violation = schema_violation(schema, value)
        if violation is not None:
            raise fault("validation", 400, f"Invalid {what}", violation, pointer)

    def task_input(self, task: TaskBase, raw: Any, variables: Scope, pointer: str) -> Any:
        """``input.schema`` checked on the raw input, then ``input.from`` applied."""
        if task.input is None:
            return raw
        self.check_schema(task.input.schema_, raw, pointer, "input")
        if task.input.from_ is None:
            return raw
        return self.eval(task.input.from_, raw, {**variables, "input": raw}, pointer, bare=True)

    def task_output(
        self, task: TaskBase, output: Any, variables: Scope, pointer: str
    ) -> tuple[Any, Any]:
        """``output.as`` then ``export.as``: the shaped output and the new ``$context``."""
        if task.output is not None and task.output.as_ is not None:
            output = self.eval(
                task.output.as_, output, {**variables, "output": output}, pointer, bare=True
            )
        if task.output is not None:
            self.check_schema(task.output.schema_, output, pointer, "output")
        context = self.context
        if task.export is not None and task.export.as_ is not None:
            context = self.eval(
                task.export.as_, output, {**variables, "output": output}, pointer, bare=True
            )
            self.check_schema(task.export.schema_, context, pointer, "context")
        return output, context

    # -- recording ---------------------------------------------------------------------

    def record(
        self,
        *,
        key: str,
        pointer: str,
        name: str,
        task: TaskBase,
        status: TaskStatus,
        task_input: Any,
        output: Any = None,
        error: dict[str, Any] | None = None,
        started_at: datetime,
    ) -> None:
        """Tell the observer about a task (call this inside a durable step)."""
        entry = TaskRecord(
            key=key,
            pointer=pointer,
            name=name,
            type=task_kind(task),
            status=status,
            input=task_input,
            output=output,
            error=error,
            started_at=started_at,
            ended_at=None if status == "waiting" else self.durability.now(),
        )
        if status == "waiting":
            self.observer.task_waiting(entry)
        else:
            self.observer.task_finished(entry)

    def record_step(self, step_key: str, **fields: Any) -> None:
        """Record a task (see :meth:`record`) in a durable step of its own."""
        self.durability.step(step_key, lambda: self.record(**fields))

    def leaf(
        self, name: str, task: TaskBase, pointer: str, key: str, raw: Any, scope: Scope, work: Work
    ) -> Flow:
        """Run a leaf task as ONE durable step: filter input, work, shape output, record."""

        def body() -> dict[str, Any]:
            started = self.durability.now()
            task_input = raw
            try:
                variables = self.variables(scope, raw, name, pointer)
                task_input = self.task_input(task, raw, variables, pointer)
                variables["input"] = task_input
                if task.if_ is not None and not self.condition(
                    task.if_, task_input, variables, pointer
                ):
                    self.record(
                        key=key,
                        pointer=pointer,
                        name=name,
                        task=task,
                        status="skipped",
                        task_input=task_input,
                        output=raw,
                        started_at=started,
                    )
                    return {"status": "skipped", "output": raw}
                output, directive = work(task_input, variables)
                output, context = self.task_output(task, output, variables, pointer)
            except WorkflowFaulted as exc:
                error = {**exc.error, "instance": exc.error.get("instance") or pointer}
                self.record(
                    key=key,
                    pointer=pointer,
                    name=name,
                    task=task,
                    status="faulted",
                    task_input=task_input,
                    error=error,
                    started_at=started,
                )
                return {"status": "faulted", "error": error}
            self.record(
                key=key,
                pointer=pointer,
                name=name,
                task=task,
                status="completed",
                task_input=task_input,
                output=output,
                started_at=started,
            )
            return {"status": "completed", "output": output, "context": context, "then": directive}

        return self.settle(task, self.durability.step(key, body))

    def settle(self, task: TaskBase, result: dict[str, Any]) -> Flow:
        """Apply a recorded step result: raise its fault, or take its context and directive."""
        if result["status"] == "faulted":
            raise WorkflowFaulted(result["error"])
        if result["status"] == "skipped":
            return Flow(result["output"])
        if "context" in result:
            self.context = result["context"]
        return Flow(result["output"], result.get("then") or task.then or "continue")

    def composite(
        self, name: str, task: TaskBase, pointer: str, key: str, raw: Any, scope: Scope, work: Work
    ) -> Flow:
        """Run a task made of other steps (do, for, fork, try, listen, wait …).

        Its own data flow is computed in workflow context (deterministic from recorded
        steps); its completion is recorded in one step at the end.
        """
        started = self.durability.now()
        variables = self.variables(scope, raw, name, pointer)
        task_input = self.task_input(task, raw, variables, pointer)
        variables["input"] = task_input
        if task.if_ is not None and not self.condition(task.if_, task_input, variables, pointer):
            self.record_step(
                key,
                key=key,
                pointer=pointer,
                name=name,
                task=task,
                status="skipped",
                task_input=task_input,
                output=raw,
                started_at=started,
            )
            return Flow(raw)
        pushed = False
        try:
            if task.timeout is not None and task_kind(task) not in ("listen", "call"):
                self.push_deadline(key, task.timeout, task_input, variables, pointer)
                pushed = True
            output, directive = work(task_input, variables)
            output, context = self.task_output(task, output, variables, pointer)
        except WorkflowFaulted as exc:
            error = {**exc.error, "instance": exc.error.get("instance") or pointer}
            self.record_step(
                key,
                key=key,
                pointer=pointer,
                name=name,
                task=task,
                status="faulted",
                task_input=task_input,
                error=error,
                started_at=started,
            )
            raise WorkflowFaulted(error) from None
        finally:
            if pushed:
                self.deadlines.pop()
        self.context = context
        self.record_step(
            key,
            key=key,
            pointer=pointer,
            name=name,
            task=task,
            status="completed",
            task_input=task_input,
            output=output,
            started_at=started,
        )
        return Flow(output, directive or task.then or "continue")

    def timeout_seconds(self, timeout: Any, data: Any, variables: Scope, pointer: str) -> float:
        """Seconds of a task/workflow ``timeout`` (inline, or named in ``use.timeouts``)."""
        raise NotImplementedError

    def push_deadline(
        self, key: str, timeout: Any, data: Any, variables: Scope, pointer: str
    ) -> None:
        """Start a timeout: its deadline is recorded once, so a replay keeps the same one."""
        seconds = self.timeout_seconds(timeout, data, variables, pointer)
        deadline = self.durability.step(
            f"{key}/deadline",
            lambda: (self.durability.now() + timedelta(seconds=seconds)).isoformat(),
        )
        self.deadlines.append((deadline, pointer))

    def check_deadlines(self, key: str) -> None:
        """Fault with a timeout error when an enclosing timeout has passed (a recorded check).

        Timeouts are cooperative: they are checked before each task starts, never by
        interrupting a running task.
        """
        if not self.deadlines:
            return
        deadlines = list(self.deadlines)

        def expired() -> str | None:
            now = self.durability.now()
            passed = [owner for at, owner in deadlines if datetime.fromisoformat(at) <= now]
            return passed[0] if passed else None

        owner = self.durability.step(f"{key}/deadline-check", expired)
        if owner is not None:
            raise fault("timeout", 408, "Timed out", f"the timeout of {owner} has passed", owner)

    def waiting(self, key: str, name: str, task: TaskBase, pointer: str, task_input: Any) -> None:
        """Record, in its own step, that a task started waiting."""
        started = self.durability.now()
        self.record_step(
            f"{key}/waiting",
            key=key,
            pointer=pointer,
            name=name,
            task=task,
            status="waiting",
            task_input=task_input,
            started_at=started,
        )


ENGINE_PACKAGES = frozenset({"dbos"})


def is_engine_error(exc: BaseException) -> bool:
    """True for errors of the durable-execution engine (cancellation, shutdown, recovery).

    They are not playbook errors: turning them into a DSL fault would mark an instance
    faulted that the engine means to resume, so they propagate untouched.
    """
    return any(klass.__module__.split(".", 1)[0] in ENGINE_PACKAGES for klass in type(exc).__mro__)


def fault_from_exception(exc: Exception, pointer: str) -> WorkflowFaulted:
    """A DSL error for an exception a custom function raised."""
    if isinstance(exc, WorkflowFaulted):
        return exc
    if isinstance(exc, ProcureFlowError):
        return fault("runtime", exc.status, exc.title, str(exc), pointer)
    return fault("runtime", 500, type(exc).__name__, str(exc), pointer)


__all__ = [
    "ENGINE_PACKAGES",
    "Flow",
    "InterpreterBase",
    "RUNTIME_DESCRIPTOR",
    "Scope",
    "Work",
    "fault_from_exception",
    "is_engine_error",
]
