"""Checks that need the whole document: flow targets and references to named components.

``then: <task>`` must name a task of the same list; ``raise.error``, ``catch.retry`` and
``timeout`` given by name must exist under ``use``; custom function names are checked
against a set of known functions when one is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from procureflow.playbooks.model_tasks import (
    CALL_PROTOCOLS,
    CallFunctionTask,
    RaiseTask,
    SwitchTask,
    TaskBase,
    TryTask,
    Workflow,
)
from procureflow.playbooks.source import Path

if TYPE_CHECKING:
    from procureflow.domain.egress import EgressPolicy
    from procureflow.playbooks.loader import Playbook

FLOW_KEYWORDS = frozenset({"continue", "exit", "end"})


def iter_task_lists(value: Any, path: Path = ()) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    """Every task list in a model tree (``do``, ``try``, ``branches``, ``catch.do`` …)."""
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if item is not None:
                yield from iter_task_lists(item, (*path, field.alias or name))
    elif isinstance(value, list):
        if value and all(
            isinstance(entry, dict) and all(isinstance(t, TaskBase) for t in entry.values())
            for entry in value
        ):
            yield path, value
        for index, entry in enumerate(value):
            yield from iter_task_lists(entry, (*path, index))
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from iter_task_lists(entry, (*path, str(key)))


def iter_tasks(workflow: Workflow) -> Iterator[tuple[Path, str, TaskBase]]:
    """Every task of the document with its path and name."""
    for path, task_list in iter_task_lists(workflow):
        for index, entry in enumerate(task_list):
            for name, task in entry.items():
                yield (*path, index, name), name, task


def reference_problems(
    workflow: Workflow, known_functions: set[str] | None = None
) -> list[tuple[Path, str]]:
    """Problems with flow targets and named references, as (path, message) pairs."""
    problems: list[tuple[Path, str]] = []
    use = workflow.use
    errors = set(use.errors or {}) if use else set()
    retries = set(use.retries or {}) if use else set()
    timeouts = set(use.timeouts or {}) if use else set()
    functions = set(use.functions or {}) if use else set()
    if isinstance(workflow.timeout, str) and workflow.timeout not in timeouts:
        problems.append((("timeout",), f"no timeout named '{workflow.timeout}' under use.timeouts"))
    for path, task_list in iter_task_lists(workflow):
        names = {name for entry in task_list for name in entry}
        for index, entry in enumerate(task_list):
            for name, task in entry.items():
                here = (*path, index, name)
                problems += _task_problems(task, here, names, errors, retries, timeouts)
                if isinstance(task, CallFunctionTask) and known_functions is not None:
                    call = task.call
                    if call not in CALL_PROTOCOLS and call not in functions and "@" not in call:
                        if call not in known_functions:
                            problems.append(((*here, "call"), f"unknown function '{call}'"))
    return problems


def _task_problems(
    task: TaskBase,
    here: Path,
    names: set[str],
    errors: set[str],
    retries: set[str],
    timeouts: set[str],
) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []
    targets: list[tuple[Path, str]] = []
    if task.then is not None:
        targets.append(((*here, "then"), task.then))
    if isinstance(task, SwitchTask):
        for case_index, case in enumerate(task.switch):
            for case_name, switch_case in case.items():
                targets.append(((*here, "switch", case_index, case_name, "then"), switch_case.then))
    for target_path, target in targets:
        if target not in FLOW_KEYWORDS and target not in names:
            problems.append((target_path, f"flow directive '{target}' names no task of this list"))
    if isinstance(task.timeout, str) and task.timeout not in timeouts:
        problems.append(
            ((*here, "timeout"), f"no timeout named '{task.timeout}' under use.timeouts")
        )
    if isinstance(task, RaiseTask) and isinstance(task.raise_.error, str):
        if task.raise_.error not in errors:
            problems.append(
                (
                    (*here, "raise", "error"),
                    f"no error named '{task.raise_.error}' under use.errors",
                )
            )
    if isinstance(task, TryTask) and isinstance(task.catch.retry, str):
        if task.catch.retry not in retries:
            problems.append(
                (
                    (*here, "catch", "retry"),
                    f"no retry policy named '{task.catch.retry}' under use.retries",
                )
            )
    return problems


def validate(
    playbook: Playbook,
    known_functions: set[str] | None = None,
    egress: EgressPolicy | None = None,
) -> None:
    """Check a loaded playbook's references; unknown function names only when a set is
    given, endpoints the egress policy refuses only when a policy is given.

    Raises :class:`procureflow.playbooks.PlaybookInvalid` naming every problem.
    """
    from procureflow.playbooks.egress_check import egress_problems
    from procureflow.playbooks.loader import PlaybookProblems

    problems = reference_problems(playbook.workflow, known_functions)
    if egress is not None:
        problems += egress_problems(playbook.workflow, egress)
    if problems:
        raise PlaybookProblems([f"{playbook.source.where(path)}: {msg}" for path, msg in problems])


__all__ = ["FLOW_KEYWORDS", "iter_task_lists", "iter_tasks", "reference_problems", "validate"]
