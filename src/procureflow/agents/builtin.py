"""The agents shipped with ProcureFlow, registered under their names."""

from __future__ import annotations

from procureflow.agents.registry import AgentRegistry


def register_builtin_agents(registry: AgentRegistry) -> None:
    """Register every built-in agent class under its ``name``."""
    for agent_class in _builtin_classes():
        registry.register(agent_class.name, agent_class)


def _builtin_classes() -> list[type]:
    # Imported lazily: some agents pull in solvers or graph libraries.
    return []


__all__ = ["register_builtin_agents"]
