"""The agents contract: typed input, typed output and a :class:`Decision` record.

An agent is a class with ``name``, an ``Input`` and an ``Output`` pydantic model and a
``decide`` method. It reaches data only through the ports it is given, never through a
database or network library. Every run returns an ``Output`` whose ``decision`` says
what was chosen, which alternatives were considered with their scores, which guardrails
were checked, the evidence and the rationale — what the dashboard and auditors read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Alternative(BaseModel):
    """One option the agent considered, with its score (higher is better unless said)."""

    model_config = ConfigDict(frozen=True)

    option: str
    score: float | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    rejected_because: str | None = None


class GuardrailCheck(BaseModel):
    """A guardrail the agent evaluated and its result."""

    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool
    detail: str = ""


class Evidence(BaseModel):
    """Where a fact came from: a document, an email line, a master-data row."""

    model_config = ConfigDict(frozen=True)

    source: str
    excerpt: str = ""
    location: str | None = None


class Decision(BaseModel):
    """What an agent chose and why."""

    model_config = ConfigDict(frozen=True)

    agent: str
    choice: str
    alternatives: list[Alternative] = Field(default_factory=list)
    guardrails: list[GuardrailCheck] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str = ""
    confidence: float | None = None


class AgentOutput(BaseModel):
    """Base of every agent's output: carries the decision record."""

    decision: Decision


InputT = TypeVar("InputT", bound=BaseModel)
OutputT = TypeVar("OutputT", bound=AgentOutput)


class Agent(ABC, Generic[InputT, OutputT]):
    """Base class of every agent. Subclasses set ``name``, ``input_model``, ``output_model``."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    input_model: ClassVar[type[BaseModel]]
    output_model: ClassVar[type[AgentOutput]]

    @abstractmethod
    def decide(self, data: InputT) -> OutputT:
        """Make the decision for ``data``; pure apart from the ports given to the agent."""

    def run(self, raw: Any) -> dict[str, Any]:
        """Validate ``raw`` against the input model, decide, return the output as JSON data."""
        data = self.input_model.model_validate(raw)
        output = self.decide(data)  # type: ignore[arg-type]
        return self.output_model.model_validate(output).model_dump(mode="json")


__all__ = ["Agent", "AgentOutput", "Alternative", "Decision", "Evidence", "GuardrailCheck"]
