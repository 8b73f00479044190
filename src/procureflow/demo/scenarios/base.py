"""What a demo scenario reports, and the demo people it may act as."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Demo users: (id, display name, roles). The demo creates them and prints how to log in.
DEMO_PEOPLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("olivia", "Olivia Orchestrator", ("orchestrator",)),
    ("bruno", "Bruno Buyer", ("buyer",)),
    ("carla", "Carla Category Manager", ("category_manager",)),
    ("bea", "Bea Budget Owner", ("budget_owner",)),
    ("felix", "Felix CFO", ("cfo",)),
    ("lea", "Lea Legal", ("legal",)),
    ("paul", "Paul Payables", ("accounts_payable",)),
    ("ada", "Ada Auditor", ("auditor",)),
    ("root", "Admin", ("admin",)),
)


@dataclass
class ScenarioResult:
    """The outcome of one scenario, for the summary."""

    name: str
    ok: bool
    instances: list[str] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "instances": self.instances,
            "approvals": self.approvals,
            "details": self.details,
            "problem": self.problem,
        }


__all__ = ["DEMO_PEOPLE", "ScenarioResult"]
