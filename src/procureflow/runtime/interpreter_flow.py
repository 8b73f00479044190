"""Control-flow tasks: do, for, switch, fork, try/catch/retry, set, raise, run."""

from __future__ import annotations

import random
from typing import Any

from procureflow.playbooks.durations import duration_seconds
from procureflow.playbooks.expressions import is_runtime_expression
from procureflow.playbooks.model_common import ErrorDefinition, RetryPolicy
from procureflow.playbooks.model_tasks import (
    Catch,
    DoTask,
    ForkTask,
    ForTask,
    RaiseTask,
    RunTask,
    SetTask,
    SwitchTask,
    TaskBase,
    TaskList,
    TryTask,
)
from procureflow.runtime.faults import WorkflowFaulted, error_matches, fault
from procureflow.runtime.interpreter_base import Flow, InterpreterBase, Scope
from procureflow.runtime.ports import BranchCall


class FlowTasks(InterpreterBase):
    """Control-flow task kinds; ``run_list`` and ``run_task`` come from the interpreter."""

    def run_list(self, tasks: TaskList, pointer: str, key: str, data: Any, scope: Scope) -> Flow:
        """Run a task list; implemented by the interpreter."""
        raise NotImplementedError

    def run_task(
        self, name: str, task: TaskBase, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """Run one task; implemented by the interpreter."""
        raise NotImplementedError

    def duration(self, value: Any, data: Any, variables: Scope, pointer: str) -> float:
        """Seconds of a duration field (evaluating it first when it is an expression)."""
        if is_runtime_expression(value):
            value = self.evaluate_one(value, data, variables, pointer)
        try:
            return duration_seconds(value)
        except (ValueError, TypeError):
            raise fault("validation", 400, "Bad duration", f"{value!r}", pointer) from None

    def timeout_seconds(self, timeout: Any, data: Any, variables: Scope, pointer: str) -> float:
        """Seconds of a task/workflow ``timeout`` (inline, or named in ``use.timeouts``)."""
        if isinstance(timeout, str):
            named = (self.workflow.use.timeouts or {}) if self.workflow.use else {}
            if timeout not in named:
                raise fault("configuration", 400, "Unknown timeout", timeout, pointer)
            timeout = named[timeout]
        return self.duration(timeout.after, data, variables, pointer)

    # -- leaf kinds --------------------------------------------------------------------

    def run_set(
        self, name: str, task: SetTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``set``: the evaluated object (or expression) becomes the output."""
        return self.leaf(
            name,
            task,
            pointer,
            key,
            raw,
            scope,
            lambda data, variables: (
                self.eval(task.set, data, variables, pointer, bare=isinstance(task.set, str)),
                None,
            ),
        )

    def run_switch(
        self, name: str, task: SwitchTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``switch``: the first case whose ``when`` holds decides the flow directive."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            for case in task.switch:
                for case_name, switch_case in case.items():
                    if switch_case.when is None or self.condition(
                        switch_case.when, data, variables, f"{pointer}/switch/{case_name}"
                    ):
                        return data, switch_case.then
            return data, None

        return self.leaf(name, task, pointer, key, raw, scope, work)

    def run_raise(
        self, name: str, task: RaiseTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``raise``: fault with the inline error or the one named in ``use.errors``."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            definition = task.raise_.error
            if isinstance(definition, str):
                named = (self.workflow.use.errors or {}) if self.workflow.use else {}
                if definition not in named:
                    raise fault("configuration", 400, "Unknown error", definition, pointer)
                definition = named[definition]
            raise WorkflowFaulted(self._error_object(definition, data, variables, pointer))

        return self.leaf(name, task, pointer, key, raw, scope, work)

    def _error_object(
        self, definition: ErrorDefinition, data: Any, variables: Scope, pointer: str
    ) -> dict[str, Any]:
        error = self.eval(
            definition.model_dump(by_alias=True, exclude_none=True),
            data,
            variables,
            pointer,
            bare=False,
        )
        error.setdefault("instance", pointer)
        return dict(error)

    def run_run(
        self, name: str, task: RunTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``run``: parsed, but running processes is not supported."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:  # noqa: ARG001
            what = next(
                kind
                for kind in ("container", "script", "shell", "workflow")
                if getattr(task.run, kind) is not None
            )
            raise fault(
                "runtime",
                501,
                "Not supported",
                f"run.{what} is not supported by ProcureFlow",
                pointer,
            )

        return self.leaf(name, task, pointer, key, raw, scope, work)

    # -- composite kinds ---------------------------------------------------------------

    def run_do(
        self, name: str, task: DoTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``do``: the sub-tasks in sequence; ``end`` inside ends the whole workflow."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:  # noqa: ARG001
            flow = self.run_list(task.do, f"{pointer}/do", key, data, scope)
            return flow.output, "end" if flow.directive == "end" else None

        return self.composite(name, task, pointer, key, raw, scope, work)

    def run_for(
        self, name: str, task: ForTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``for``: the sub-tasks once per item of ``in``, while ``while`` holds."""
        each, at = task.for_.each, task.for_.at

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            collection = self.evaluate_one(task.for_.in_, data, variables, f"{pointer}/for/in")
            if isinstance(collection, dict):
                collection = list(collection.values())
            if collection is None:
                collection = []
            if not isinstance(collection, list):
                raise fault(
                    "expression",
                    400,
                    "Not a collection",
                    f"for.in gave {type(collection).__name__}, not an array",
                    pointer,
                )
            output = data
            for index, item in enumerate(collection):
                loop_scope = {**scope, each: item, at: index}
                if task.while_ is not None and not self.condition(
                    task.while_, output, {**variables, **loop_scope}, f"{pointer}/while"
                ):
                    break
                flow = self.run_list(task.do, f"{pointer}/do", f"{key}/{index}", output, loop_scope)
                output = flow.output
                if flow.directive == "end":
                    return output, "end"
            return output, None

        return self.composite(name, task, pointer, key, raw, scope, work)

    def run_fork(
        self, name: str, task: ForkTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``fork``: branches in parallel; the outputs in order, or the winner's if competing."""

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:  # noqa: ARG001
            calls = [
                BranchCall(
                    pointer=f"{pointer}/fork/branches/{index}",
                    input=data,
                    context={"context": self.context, "scope": scope},
                    key=f"{key}/{index}",
                    name=branch_name,
                )
                for index, entry in enumerate(task.fork.branches)
                for branch_name in entry
            ]
            results = self.durability.run_branches(key, calls, task.fork.compete)
            for result in results:
                if result.error is not None:
                    raise WorkflowFaulted(result.error)
            if task.fork.compete:
                return (results[0].output if results else None), None
            return [result.output for result in results], None

        return self.composite(name, task, pointer, key, raw, scope, work)

    def run_try(
        self, name: str, task: TryTask, pointer: str, key: str, raw: Any, scope: Scope
    ) -> Flow:
        """``try``: run, catch matching errors, retry per policy, then ``catch.do``."""
        catch = task.catch
        error_var = catch.as_ or "error"

        def work(data: Any, variables: Scope) -> tuple[Any, str | None]:
            started = self.durability.now()
            attempt = 0
            while True:
                attempt_key = key if attempt == 0 else f"{key}@{attempt}"
                try:
                    flow = self.run_list(task.try_, f"{pointer}/try", attempt_key, data, scope)
                    return flow.output, "end" if flow.directive == "end" else None
                except WorkflowFaulted as exc:
                    error = exc.error
                    caught_vars = {**variables, error_var: error}
                    if not self._catches(catch, error, caught_vars, pointer):
                        raise
                    policy = self._retry_policy(catch, pointer)
                    if policy is not None and self._may_retry(
                        policy, attempt, started, error, caught_vars, pointer
                    ):
                        self.durability.sleep(
                            f"{attempt_key}/retry-delay",
                            self._retry_delay(
                                policy, attempt, attempt_key, data, variables, pointer
                            ),
                        )
                        attempt += 1
                        continue
                    if policy is not None and catch.do is None:
                        raise
                    if catch.do is None:
                        return data, None
                    handled = self.run_list(
                        catch.do,
                        f"{pointer}/catch/do",
                        f"{attempt_key}/catch",
                        data,
                        {**scope, error_var: error},
                    )
                    return handled.output, "end" if handled.directive == "end" else None

        return self.composite(name, task, pointer, key, raw, scope, work)

    def _catches(self, catch: Catch, error: dict[str, Any], variables: Scope, pointer: str) -> bool:
        if catch.errors is not None and catch.errors.with_ is not None:
            wanted = catch.errors.with_.model_dump(by_alias=True, exclude_none=True)
            if not error_matches(wanted, error):
                return False
        if catch.when is not None and not self.condition(catch.when, error, variables, pointer):
            return False
        return not (
            catch.except_when is not None
            and self.condition(catch.except_when, error, variables, pointer)
        )

    def _retry_policy(self, catch: Catch, pointer: str) -> RetryPolicy | None:
        retry = catch.retry
        if isinstance(retry, str):
            named = (self.workflow.use.retries or {}) if self.workflow.use else {}
            if retry not in named:
                raise fault("configuration", 400, "Unknown retry policy", retry, pointer)
            return named[retry]
        return retry if isinstance(retry, RetryPolicy) else None

    def _may_retry(
        self,
        policy: RetryPolicy,
        attempt: int,
        started: Any,
        error: dict[str, Any],
        variables: Scope,
        pointer: str,
    ) -> bool:
        if policy.when is not None and not self.condition(policy.when, error, variables, pointer):
            return False
        if policy.except_when is not None and self.condition(
            policy.except_when, error, variables, pointer
        ):
            return False
        limit = policy.limit
        if limit is not None and limit.attempt is not None and limit.attempt.count is not None:
            if attempt >= limit.attempt.count:
                return False
        if limit is not None and limit.duration is not None:
            spent = (self.durability.now() - started).total_seconds()
            if spent >= self.duration(limit.duration, error, variables, pointer):
                return False
        return True

    def _retry_delay(
        self, policy: RetryPolicy, attempt: int, key: str, data: Any, variables: Scope, pointer: str
    ) -> float:
        delay = self.duration(policy.delay, data, variables, pointer) if policy.delay else 0.0
        if policy.backoff is not None:
            if policy.backoff.linear is not None:
                delay *= attempt + 1
            elif policy.backoff.exponential is not None:
                delay *= 2**attempt
        if policy.jitter is not None:
            low = self.duration(policy.jitter.from_, data, variables, pointer)
            high = self.duration(policy.jitter.to, data, variables, pointer)
            # Seeded by the attempt's key: the same delay on every replay.
            delay += random.Random(f"{self.instance_id}:{key}").uniform(low, high)
        return delay


__all__ = ["FlowTasks"]
