"""The agents shipped with ProcureFlow that need no ports: registered under their names.

Agents that read master data (the Risk Monitor) are registered by the composition root,
which owns the adapters they are given.
"""

from __future__ import annotations

from typing import Any

from procureflow.agents.base import Agent
from procureflow.agents.registry import AgentRegistry


def builtin_agent_classes() -> list[type[Agent[Any, Any]]]:
    """The self-contained agents: sourcing, compliance, logistics, finance."""
    from procureflow.agents.compliance import ComplianceAgent
    from procureflow.agents.finance import FinanceAgent
    from procureflow.agents.logistics import LogisticsAgent
    from procureflow.agents.sourcing import SourcingAgent

    return [SourcingAgent, ComplianceAgent, LogisticsAgent, FinanceAgent]


def register_builtin_agents(registry: AgentRegistry) -> None:
    """Register every self-contained built-in agent class under its ``name``."""
    for agent_class in builtin_agent_classes():
        registry.register(agent_class.name, agent_class)


__all__ = ["builtin_agent_classes", "register_builtin_agents"]
