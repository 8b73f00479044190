"""ProcureFlow: procurement orchestration with durable playbooks, agents and guardrails."""

__version__ = "0.1.0"
