"""Agents by name: the built-in ones plus plugins from the ``procureflow.agents`` entry point.

A plugin package declares, in its own pyproject::

    [project.entry-points."procureflow.agents"]
    my-agent = "my_package.agents:MyAgent"

and ``AgentRegistry.discover()`` finds it. The runtime exposes every agent to playbooks
as the custom function ``agent.<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Any

from procureflow.agents.base import Agent
from procureflow.errors import ConfigError, NotFound

AgentFactory = Callable[[], Agent[Any, Any]]


class AgentRegistry:
    """Maps agent names to factories; a factory builds an agent with its ports."""

    def __init__(self) -> None:
        self._factories: dict[str, AgentFactory] = {}

    def register(self, name: str, factory: AgentFactory) -> None:
        """Add an agent; a second agent under the same name is a configuration error."""
        if name in self._factories:
            raise ConfigError(f"agent {name!r} registered twice")
        self._factories[name] = factory

    def discover(self, group: str = "procureflow.agents") -> list[str]:
        """Register every agent class published under the entry-point group; returns names."""
        found = []
        for ep in entry_points(group=group):
            if ep.name in self._factories:
                continue
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Agent)):
                raise ConfigError(f"entry point {ep.name!r} ({ep.value}) is not an Agent class")
            self.register(ep.name, cls)
            found.append(ep.name)
        return found

    def create(self, name: str) -> Agent[Any, Any]:
        """A new agent instance by name."""
        try:
            factory = self._factories[name]
        except KeyError:
            raise NotFound(
                f"no agent named {name!r}; known: {', '.join(sorted(self._factories))}"
            ) from None
        return factory()

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


__all__ = ["AgentFactory", "AgentRegistry"]
