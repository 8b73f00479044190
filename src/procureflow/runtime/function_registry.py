"""The custom functions playbooks can ``call:``: ProcureFlow's own, agents, and plugins."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from procureflow.agents.registry import AgentRegistry
from procureflow.errors import ConfigError
from procureflow.runtime.ports import CallContext, FunctionSpec


class Functions:
    """A FunctionRegistry: name → FunctionSpec. Agents appear as ``agent.<name>``."""

    def __init__(self, specs: Iterable[FunctionSpec] = ()) -> None:
        self._specs: dict[str, FunctionSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: FunctionSpec) -> None:
        """Register one function; a name may be taken once."""
        if spec.name in self._specs:
            raise ConfigError(f"custom function {spec.name!r} registered twice")
        self._specs[spec.name] = spec

    def add_simple(
        self, name: str, fn: Callable[[dict[str, Any], CallContext], Any], description: str = ""
    ) -> None:
        """Register a function that runs as one durable step."""
        self.add(FunctionSpec(name=name, fn=fn, durable_step=True, description=description))

    def add_agents(self, agents: AgentRegistry) -> None:
        """Expose every agent as ``agent.<name>``: its ``with`` is the agent's input."""
        for name in agents.names():

            def run(args: dict[str, Any], _ctx: CallContext, agent_name: str = name) -> Any:
                return agents.create(agent_name).run(args)

            self.add(
                FunctionSpec(
                    name=f"agent.{name}", fn=run, durable_step=True, description=f"agent {name}"
                )
            )

    def get(self, name: str) -> FunctionSpec | None:
        """The function called ``name``."""
        return self._specs.get(name)

    def names(self) -> set[str]:
        """Every function name."""
        return set(self._specs)

    def describe(self) -> list[dict[str, Any]]:
        """Name, kind and description of each function, sorted."""
        return [
            {
                "name": spec.name,
                "durable_step": spec.durable_step,
                "description": spec.description,
            }
            for spec in sorted(self._specs.values(), key=lambda s: s.name)
        ]


__all__ = ["Functions"]
