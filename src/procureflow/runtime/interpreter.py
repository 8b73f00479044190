"""The playbook interpreter: runs a Serverless Workflow 1.0 document through ports.

Pure by construction: everything that waits, persists or talks to the world goes
through :mod:`procureflow.runtime.ports`, so the same interpreter runs in memory (tests,
``--in-memory``) and durably on DBOS. Keys are deterministic: ``do/<task>`` with a visit
counter (``#2``) when a flow directive jumps back, ``/<index>`` per loop iteration and
``@<attempt>`` per retry, so every execution of a task has its own durable step.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from procureflow.playbooks.model_tasks import (
    DoTask,
    EmitTask,
    ForkTask,
    ForTask,
    ListenTask,
    RaiseTask,
    RunTask,
    SetTask,
    SwitchTask,
    TaskBase,
    TaskList,
    TryTask,
    WaitTask,
    task_kind,
)
from procureflow.runtime.faults import WorkflowFaulted, fault
from procureflow.runtime.interpreter_base import Flow, Scope
from procureflow.runtime.interpreter_io import IoTasks
from procureflow.runtime.ports import BranchResult


class Interpreter(IoTasks):
    """Runs one playbook instance (or one fork branch of it).

    ``Interpreter(playbook, instance_id=…, durability=…, functions=…, events=…,
    observer=…, secrets=None, http=None)``; :meth:`run` returns the workflow output or
    raises :class:`WorkflowFaulted` carrying the DSL error object.
    """

    def run(self, input: Any) -> Any:
        """Run the whole playbook on ``input`` and return its output."""
        self.workflow_input = input
        self.context = {}
        workflow = self.workflow
        variables = self.variables({}, input, self.playbook.name, "/")
        data = input
        if workflow.input is not None:
            self.check_schema(workflow.input.schema_, input, "/input", "workflow input")
            if workflow.input.from_ is not None:
                data = self.eval(workflow.input.from_, input, variables, "/input", bare=True)
        self.deadlines = []
        if workflow.timeout is not None:
            self.push_deadline("workflow", workflow.timeout, data, variables, "/")
        flow = self.run_list(workflow.do, "/do", "do", data, {})
        output = flow.output
        if workflow.output is not None and workflow.output.as_ is not None:
            output = self.eval(
                workflow.output.as_, output, {**variables, "output": output}, "/output", bare=True
            )
        if workflow.output is not None:
            self.check_schema(workflow.output.schema_, output, "/output", "workflow output")
        return output

    def run_branch(self, pointer: str, input: Any, context: Any, key: str) -> BranchResult:
        """Run one fork branch (``pointer`` names its entry) as another process would."""
        state = context if isinstance(context, dict) and "scope" in context else {}
        self.context = state.get("context", context)
        scope = dict(state.get("scope") or {})
        entry = self.resolve(pointer)
        if not isinstance(entry, dict) or len(entry) != 1:
            raise fault("configuration", 400, "Not a branch", pointer, pointer)
        ((name, task),) = entry.items()
        try:
            flow = self.run_task(name, task, f"{pointer}/{name}", f"{key}/{name}", input, scope)
        except WorkflowFaulted as exc:
            return BranchResult(output=None, error=exc.error, completed=False)
        return BranchResult(output=flow.output, context=self.context)

    def run_list(self, tasks: TaskList, pointer: str, key: str, data: Any, scope: Scope) -> Flow:
        """Run a task list in order, following ``then`` directives; ``end`` propagates up."""
        entries = [(name, task) for entry in tasks for name, task in entry.items()]
        positions = {name: index for index, (name, _) in enumerate(entries)}
        visits: dict[str, int] = {}
        index = 0
        while index < len(entries):
            name, task = entries[index]
            visits[name] = visits.get(name, 0) + 1
            task_key = f"{key}/{name}" if visits[name] == 1 else f"{key}/{name}#{visits[name]}"
            flow = self.run_task(name, task, f"{pointer}/{index}/{name}", task_key, data, scope)
            data = flow.output
            directive = flow.directive
            if directive == "continue":
                index += 1
            elif directive == "exit":
                return Flow(data)
            elif directive == "end":
                return Flow(data, "end")
            elif directive in positions:
                index = positions[directive]
            else:
                raise fault(
                    "configuration",
                    400,
                    "Unknown flow directive",
                    directive,
                    f"{pointer}/{index}/{name}",
                )
        return Flow(data)

    def run_task(
        self, name: str, task: TaskBase, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """Run one task of any kind."""
        self.check_deadlines(key)
        if isinstance(task, SetTask):
            return self.run_set(name, task, pointer, key, raw, scope)
        if isinstance(task, SwitchTask):
            return self.run_switch(name, task, pointer, key, raw, scope)
        if isinstance(task, RaiseTask):
            return self.run_raise(name, task, pointer, key, raw, scope)
        if isinstance(task, DoTask):
            return self.run_do(name, task, pointer, key, raw, scope)
        if isinstance(task, ForTask):
            return self.run_for(name, task, pointer, key, raw, scope)
        if isinstance(task, ForkTask):
            return self.run_fork(name, task, pointer, key, raw, scope)
        if isinstance(task, TryTask):
            return self.run_try(name, task, pointer, key, raw, scope)
        if isinstance(task, EmitTask):
            return self.run_emit(name, task, pointer, key, raw, scope)
        if isinstance(task, ListenTask):
            return self.run_listen(name, task, pointer, key, raw, scope)
        if isinstance(task, WaitTask):
            return self.run_wait(name, task, pointer, key, raw, scope)
        if isinstance(task, RunTask):
            return self.run_run(name, task, pointer, key, raw, scope)
        if task_kind(task) == "call":
            return self.run_call(name, task, pointer, key, raw, scope)
        raise fault("configuration", 400, "Unknown task type", type(task).__name__, pointer)

    def resolve(self, pointer: str) -> Any:
        """The model object at a JSON pointer of the document (e.g. a fork branch)."""
        current: Any = self.workflow
        for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
            if isinstance(current, BaseModel):
                fields = type(current).model_fields
                attribute = next((n for n, f in fields.items() if (f.alias or n) == part), None)
                if attribute is None:
                    raise fault("configuration", 400, "Bad pointer", pointer, pointer)
                current = getattr(current, attribute)
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            elif isinstance(current, dict) and part in current:
                current = current[part]
            else:
                raise fault("configuration", 400, "Bad pointer", pointer, pointer)
        return current


__all__ = ["Interpreter", "WorkflowFaulted"]
