"""Tasks that touch the outside: call (custom functions, HTTP), emit, listen, wait."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic_core import to_jsonable_python

from procureflow.playbooks.expressions import is_runtime_expression
from procureflow.playbooks.model_common import EventConsumption, EventFilter
from procureflow.playbooks.model_tasks import (
    CallFunctionTask,
    CallHttpTask,
    CallOpenApiTask,
    EmitTask,
    ListenTask,
    TaskBase,
    WaitTask,
)
from procureflow.runtime.faults import WorkflowFaulted, fault
from procureflow.runtime.interpreter_base import Flow, Scope, fault_from_exception, is_engine_error
from procureflow.runtime.interpreter_http import HttpCalls
from procureflow.runtime.ports import CallContext, FunctionSpec

_CONTENT_TYPE = "application/json"


class IoTasks(HttpCalls):
    """Calls, events and timers."""

    # -- call --------------------------------------------------------------------------

    def run_call(
        self, name: str, task: TaskBase, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``call``: HTTP, a custom function, or a function declared in ``use.functions``."""
        if isinstance(task, CallHttpTask):
            return self.leaf(
                name,
                task,
                pointer,
                key,
                raw,
                scope,
                lambda data, variables: (self._http(task, data, variables, pointer), None),
            )
        if isinstance(task, CallOpenApiTask):
            return self.leaf(
                name,
                task,
                pointer,
                key,
                raw,
                scope,
                lambda data, variables: (self._openapi(task, data, variables, pointer), None),
            )
        if not isinstance(task, CallFunctionTask):
            protocol = getattr(task, "call", "?")
            return self.leaf(name, task, pointer, key, raw, scope, _unsupported(protocol, pointer))
        declared = (self.workflow.use.functions or {}) if self.workflow.use else {}
        if task.call in declared:
            return self._call_declared(name, task, declared[task.call], pointer, key, raw, scope)
        spec = self.functions.get(task.call)
        if spec is None:
            return self.leaf(
                name,
                task,
                pointer,
                key,
                raw,
                scope,
                _fails(fault("configuration", 404, "Unknown function", task.call, pointer)),
            )

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            arguments = self.eval(task.with_ or {}, data, variables, pointer, bare=False)
            return self._invoke(spec, arguments, name, pointer, key, data), None

        if spec.durable_step:
            return self.leaf(name, task, pointer, key, raw, scope, work)

        def waiting_work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            # A function that runs in workflow context waits (a person, a timer): say so.
            self.waiting(key, name, task, pointer, data)
            return work(data, variables)

        return self.composite(name, task, pointer, key, raw, scope, waiting_work)

    def _invoke(
        self, spec: FunctionSpec, arguments: Any, name: str, pointer: str, key: str, data: Any
    ) -> Any:
        """Call a registered function; its result is made JSON (Decimal → string, models → dicts)."""
        context = CallContext(
            instance_id=self.instance_id,
            task_key=key,
            task_name=name,
            pointer=pointer,
            idempotency_key=f"{self.instance_id}:{key}",
            durability=self.durability,
            workflow={
                "id": self.instance_id,
                "namespace": self.playbook.namespace,
                "name": self.playbook.name,
                "version": self.playbook.version,
            },
            input=data,
            context=self.context,
        )
        try:
            return to_jsonable_python(spec.fn(dict(arguments), context))
        except Exception as exc:  # a function's failure is a DSL error …
            if is_engine_error(exc):  # … but the engine's own signals must reach it
                raise
            raise fault_from_exception(exc, pointer) from None

    def _call_declared(
        self,
        name: str,
        task: CallFunctionTask,
        function: TaskBase,
        pointer: str,
        key: str,
        raw: Any,
        scope: Scope,
    ) -> Flow:
        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            arguments = self.eval(task.with_ or {}, data, variables, pointer, bare=False)
            inner_vars = {**variables, "input": arguments}
            inner_input = self.task_input(function, arguments, inner_vars, pointer)
            spec = (
                self.functions.get(function.call)
                if isinstance(function, CallFunctionTask)
                else None
            )
            if isinstance(function, CallHttpTask):
                output = self._http(function, inner_input, inner_vars, pointer)
            elif isinstance(function, CallFunctionTask) and spec is not None:
                preset = function.with_
                inner_args = (
                    inner_input
                    if preset is None
                    else self.eval(preset, inner_input, inner_vars, pointer, bare=False)
                )
                output = self._invoke(spec, inner_args, name, pointer, key, data)
            else:
                raise fault(
                    "configuration",
                    501,
                    "Not supported",
                    f"function '{task.call}' must be an HTTP call or a registered function",
                    pointer,
                )
            output, _ = self.task_output(function, output, inner_vars, pointer)
            return output, None

        return self.leaf(name, task, pointer, key, raw, scope, work)

    # -- emit --------------------------------------------------------------------------

    def run_emit(
        self, name: str, task: EmitTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``emit``: publish a CloudEvent (inside the task's step); the output is the event."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            attributes = self.eval(task.emit.event.with_, data, variables, pointer, bare=False)
            event: dict[str, Any] = {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "time": self.durability.now().isoformat(),
                "datacontenttype": _CONTENT_TYPE,
                **{k: v for k, v in attributes.items() if v is not None},
            }
            event.setdefault("data", None)
            self.events.publish(event)
            return event, None

        return self.leaf(name, task, pointer, key, raw, scope, work)

    # -- wait --------------------------------------------------------------------------

    def run_wait(
        self, name: str, task: WaitTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``wait``: a durable timer; the input passes through."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            seconds = self.duration(task.wait, data, variables, pointer)
            self.waiting(key, name, task, pointer, data)
            self.durability.sleep(f"{key}/sleep", seconds)
            return data, None

        return self.composite(name, task, pointer, key, raw, scope, work)

    # -- listen ------------------------------------------------------------------------

    def run_listen(
        self, name: str, task: ListenTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``listen``: subscribe, then consume events per ``to`` (all/any/one, until)."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            events = self._consume(name, task, pointer, key, data, variables)
            read = task.listen.read
            items = [event.get("data") for event in events] if read == "data" else events
            foreach = task.foreach
            if foreach is None or foreach.do is None:
                return items, None
            outputs = []
            for index, item in enumerate(items):
                flow = self.run_list(
                    foreach.do,
                    f"{pointer}/foreach/do",
                    f"{key}/{index}",
                    item,
                    {**scope, foreach.item: item, foreach.at: index},
                )
                outputs.append(flow.output)
            return outputs, None

        return self.composite(name, task, pointer, key, raw, scope, work)

    def _consume(
        self, name: str, task: ListenTask, pointer: str, key: str, data: Any, variables: Scope
    ) -> list[dict[str, Any]]:
        strategy = task.listen.to
        mode, wanted = _filters_of(strategy)
        until = strategy.until
        stop_filters: list[EventFilter] = []
        if isinstance(until, EventConsumption):
            stop_filters = _filters_of(until)[1]
        concrete = [self._concrete(f, data, variables, pointer) for f in wanted] or [{}]
        stops = [self._concrete(f, data, variables, pointer) for f in stop_filters]
        topic = f"listen:{key}"

        def subscribe() -> None:
            self.events.subscribe(self.instance_id, key, topic, concrete + stops)

        self.durability.step(f"{key}/subscribe", subscribe)
        self.waiting(key, name, task, pointer, data)
        limit = self._timeout_of(task, data, variables, pointer)
        started = self.durability.now()
        consumed: list[dict[str, Any]] = []
        seen: set[int] = set()
        received = 0
        try:
            while True:
                remaining = None
                if limit is not None:
                    remaining = max(0.0, limit - (self.durability.now() - started).total_seconds())
                message = self.durability.receive(f"{key}/receive/{received}", topic, remaining)
                received += 1
                if message is None:
                    raise fault(
                        "timeout",
                        408,
                        "Listen timed out",
                        f"no matching event within {limit} seconds",
                        pointer,
                    )
                event = dict(message)
                if stops and any(_matches(f, event) for f in stops):
                    break
                index = next((i for i, f in enumerate(concrete) if _matches(f, event)), None)
                if index is None:
                    continue
                consumed.append(event)
                seen.add(index)
                if mode == "one" or (mode == "all" and len(seen) == len(concrete)):
                    break
                if mode == "any" and until is None:
                    break
                if isinstance(until, str):
                    datas = [e.get("data") for e in consumed]
                    if self.condition(until, datas, {**variables, "events": consumed}, pointer):
                        break
        finally:
            self.durability.step(
                f"{key}/unsubscribe", lambda: self.events.unsubscribe(self.instance_id, key)
            )
        return consumed

    def _concrete(
        self, event_filter: EventFilter, data: Any, variables: Scope, pointer: str
    ) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        for attribute, value in event_filter.with_.items():
            if attribute == "data" and is_runtime_expression(value):
                attributes[attribute] = value  # a predicate on the event's data
            else:
                attributes[attribute] = self.eval(value, data, variables, pointer, bare=False)
        concrete: dict[str, Any] = {"with": attributes}
        if event_filter.correlate:
            concrete["correlate"] = {
                name: {
                    "from": correlation.from_,
                    "expect": (
                        self.eval(correlation.expect, data, variables, pointer, bare=False)
                        if correlation.expect is not None
                        else None
                    ),
                }
                for name, correlation in event_filter.correlate.items()
            }
        return concrete


def _filters_of(strategy: EventConsumption) -> tuple[str, list[EventFilter]]:
    if strategy.one is not None:
        return "one", [strategy.one]
    if strategy.all is not None:
        return "all", list(strategy.all)
    return "any", list(strategy.any or [])


def _matches(concrete: dict[str, Any], event: dict[str, Any]) -> bool:
    from procureflow.playbooks.events import event_matches

    return event_matches(concrete, event)


def _unsupported(protocol: str, pointer: str) -> Any:
    return _fails(
        fault(
            "runtime",
            501,
            "Not supported",
            f"call: {protocol} is not supported by ProcureFlow",
            pointer,
        )
    )


def _fails(error: WorkflowFaulted) -> Any:
    def work(data: Any, variables: Scope) -> tuple[Any, str | None]:  # noqa: ARG001
        raise error

    return work


__all__ = ["IoTasks"]
