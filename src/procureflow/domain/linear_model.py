"""A solver-neutral mixed-integer linear model: columns, rows and sparse coefficients.

The domain builds models of this shape; an adapter hands them to a solver (HiGHS) and
returns a :class:`SolverResult`. Keeping the model plain data keeps the formulation
testable without a solver and the solver swappable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

INFINITY = math.inf


@dataclass
class LinearModel:
    """Minimise ``Σ cost·x`` subject to ``row_lower ≤ A·x ≤ row_upper`` and column bounds."""

    col_names: list[str] = field(default_factory=list)
    col_cost: list[float] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    # (row, column, coefficient) triples
    entries: list[tuple[int, int, float]] = field(default_factory=list)

    def add_column(
        self, name: str, cost: float, lower: float, upper: float, *, integer: bool = False
    ) -> int:
        """Add a variable; returns its index."""
        self.col_names.append(name)
        self.col_cost.append(cost)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_integer.append(integer)
        return len(self.col_names) - 1

    def add_row(self, name: str, terms: list[tuple[int, float]], lower: float, upper: float) -> int:
        """Add a constraint ``lower ≤ Σ coef·x[col] ≤ upper``; returns its index."""
        row = len(self.row_names)
        self.row_names.append(name)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.entries.extend((row, col, coef) for col, coef in terms)
        return row

    @property
    def num_columns(self) -> int:
        """Number of variables."""
        return len(self.col_names)

    @property
    def num_rows(self) -> int:
        """Number of constraints."""
        return len(self.row_names)

    @property
    def num_integer(self) -> int:
        """Number of integer (including binary) variables."""
        return sum(self.col_integer)

    def relaxed(self) -> LinearModel:
        """The same model with every integrality requirement dropped (its LP relaxation)."""
        return LinearModel(
            col_names=self.col_names,
            col_cost=self.col_cost,
            col_lower=self.col_lower,
            col_upper=self.col_upper,
            col_integer=[False] * self.num_columns,
            row_names=self.row_names,
            row_lower=self.row_lower,
            row_upper=self.row_upper,
            entries=self.entries,
        )

    def size(self) -> dict[str, int]:
        """Columns, integer columns, rows and non-zeros — what a benchmark reports."""
        return {
            "columns": self.num_columns,
            "integer_columns": self.num_integer,
            "rows": self.num_rows,
            "nonzeros": len(self.entries),
        }


class SolverStatus(StrEnum):
    """Outcome of a solve, reduced to what the domain acts on."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass(frozen=True)
class SolverResult:
    """Values of every column (empty unless a solution exists) and how the solve went."""

    status: SolverStatus
    values: list[float]
    objective: float | None
    seconds: float
    mip_gap: float | None = None
    detail: str = ""


Solver = Callable[[LinearModel], SolverResult]

__all__ = ["INFINITY", "LinearModel", "Solver", "SolverResult", "SolverStatus"]
