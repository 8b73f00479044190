"""A runner for the Serverless Workflow conformance features (Gherkin) against our interpreter.

Each scenario is compiled to a pickle with the official Gherkin parser; its steps are
matched against the step phrases below and run with the in-memory ports (and, for HTTP,
the product's real HTTP adapter pointed at local stand-ins of the services named).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

from procureflow.playbooks import load_playbook
from procureflow.runtime.faults import WorkflowFaulted
from procureflow.runtime.memory import FakeClock, InMemoryRuntime
from procureflow.runtime.ports import HttpPort

_MISSING = object()


@dataclass(frozen=True)
class Scenario:
    """One conformance scenario: where it is and its steps (text, doc string)."""

    feature: str
    name: str
    line: int
    steps: tuple[tuple[str, str | None], ...]

    @property
    def id(self) -> str:
        """A stable test id, e.g. ``switch.feature:6 Switch task with matching case``."""
        return f"{self.feature}:{self.line} {self.name}"


@dataclass
class Outcome:
    """What running a scenario's workflow produced."""

    output: Any = None
    error: dict[str, Any] | None = None
    order: list[str] = field(default_factory=list)


def load_scenarios(ctk_directory: Path) -> list[Scenario]:
    """Every scenario of every ``*.feature`` file, in file order."""
    scenarios = []
    for path in sorted(ctk_directory.glob("*.feature")):
        document = Parser().parse(path.read_text(encoding="utf-8"))
        document["uri"] = path.name
        for pickle in Compiler().compile(document):
            steps = tuple(
                (
                    step["text"],
                    step.get("argument", {}).get("docString", {}).get("content"),
                )
                for step in pickle["steps"]
            )
            line = _scenario_line(document, pickle["astNodeIds"][0])
            scenarios.append(Scenario(path.name, pickle["name"], line, steps))
    return scenarios


def _scenario_line(document: dict[str, Any], node_id: str) -> int:
    for child in document["feature"]["children"]:
        scenario = child.get("scenario")
        if scenario and scenario["id"] == node_id:
            return int(scenario["location"]["line"])
    return 0


def run_scenario(scenario: Scenario, http: HttpPort | None = None) -> None:
    """Run every step; raise AssertionError naming the first step that does not hold."""
    definition: str | None = None
    workflow_input: Any = {}
    outcome: Outcome | None = None
    for text, doc in scenario.steps:
        if text.startswith("a workflow with definition"):
            definition = doc
        elif text.startswith("given the workflow input is"):
            workflow_input = yaml.safe_load(doc or "")
        elif text == "the workflow is executed":
            assert definition is not None, "no workflow definition given"
            outcome = execute(definition, workflow_input, scenario.id, http)
        else:
            assert outcome is not None, f"'{text}' before the workflow was executed"
            check(text, doc, outcome)


def execute(definition: str, workflow_input: Any, origin: str, http: HttpPort | None) -> Outcome:
    """Load and run a workflow in memory (fake clock), capturing output or error and order."""
    playbook = load_playbook(definition, origin)
    runtime = InMemoryRuntime(clock=FakeClock(), http=http)
    try:
        output = runtime.run(playbook, workflow_input)
        outcome = Outcome(output=output)
    except WorkflowFaulted as exc:
        outcome = Outcome(error=exc.error)
    leaf_kinds = {"set", "call", "emit", "raise", "switch", "wait", "listen", "run"}
    outcome.order = [r.name for r in runtime.observer.finished if r.type in leaf_kinds]
    return outcome


_CHECKS: list[tuple[re.Pattern[str], Callable[..., None]]] = []


def _step(pattern: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        _CHECKS.append((re.compile(pattern), fn))
        return fn

    return register


def check(text: str, doc: str | None, outcome: Outcome) -> None:
    """Check one Then/And step against the outcome."""
    for pattern, fn in _CHECKS:
        match = pattern.fullmatch(text)
        if match:
            fn(outcome, doc, *match.groups())
            return
    raise AssertionError(f"unsupported step: {text}")


def _lookup(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


@_step(r"the workflow should complete")
def _completes(outcome: Outcome, doc: str | None) -> None:
    assert outcome.error is None, f"workflow faulted: {outcome.error}"


@_step(r"the workflow should complete with output:")
def _completes_with(outcome: Outcome, doc: str | None) -> None:
    _completes(outcome, doc)
    expected = yaml.safe_load(doc or "")
    assert outcome.output == expected, f"output {outcome.output!r} != expected {expected!r}"


@_step(r"the workflow should fault")
def _faults(outcome: Outcome, doc: str | None) -> None:
    assert outcome.error is not None, f"workflow completed with {outcome.output!r}"


@_step(r"the workflow should fault with error:")
def _faults_with(outcome: Outcome, doc: str | None) -> None:
    _faults(outcome, doc)
    assert outcome.error is not None
    expected = yaml.safe_load(doc or "")
    got = {key: outcome.error.get(key) for key in expected}
    assert got == expected, f"error {outcome.error!r} does not match {expected!r}"


@_step(r"the workflow output should have properties (.*)")
def _has_properties(outcome: Outcome, doc: str | None, names: str) -> None:
    for name in re.findall(r"'([^']+)'", names):
        assert _lookup(outcome.output, name) is not _MISSING, f"output lacks '{name}'"


@_step(r"the workflow output should have a '([^']+)' property with value:")
def _property_value(outcome: Outcome, doc: str | None, name: str) -> None:
    expected = yaml.safe_load(doc or "")
    actual = _lookup(outcome.output, name)
    assert actual == expected, f"'{name}' is {actual!r}, expected {expected!r}"


@_step(r"the workflow output should have a '([^']+)' property containing (\d+) items?")
def _property_count(outcome: Outcome, doc: str | None, name: str, count: str) -> None:
    actual = _lookup(outcome.output, name)
    assert isinstance(actual, list) and len(actual) == int(count), f"'{name}' is {actual!r}"


@_step(r"(\w+) should run first")
def _runs_first(outcome: Outcome, doc: str | None, task: str) -> None:
    assert outcome.order[:1] == [task], f"ran in order {outcome.order}"


@_step(r"(\w+) should run last")
def _runs_last(outcome: Outcome, doc: str | None, task: str) -> None:
    assert outcome.order[-1:] == [task], f"ran in order {outcome.order}"


@_step(r"(\w+) should run after (\w+)")
def _runs_after(outcome: Outcome, doc: str | None, later: str, earlier: str) -> None:
    order = outcome.order
    assert earlier in order and later in order, f"ran in order {order}"
    assert order.index(later) > order.index(earlier), f"ran in order {order}"


__all__ = ["Outcome", "Scenario", "check", "execute", "load_scenarios", "run_scenario"]
