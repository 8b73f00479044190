"""Solve a :class:`~procureflow.domain.linear_model.LinearModel` with HiGHS (``highspy``).

The model is passed in one call as a column-wise sparse matrix, which is what HiGHS
stores internally; building it variable by variable through the modelling API costs
more than the solve on large instances.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from procureflow.domain.linear_model import LinearModel, SolverResult, SolverStatus

_STATUS = {
    highspy.HighsModelStatus.kOptimal: SolverStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: SolverStatus.INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: SolverStatus.TIME_LIMIT,
}


def _lp(model: LinearModel) -> highspy.HighsLp:
    lp = highspy.HighsLp()
    inf = highspy.kHighsInf
    lp.num_col_ = model.num_columns
    lp.num_row_ = model.num_rows
    lp.col_cost_ = np.asarray(model.col_cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.col_lower, dtype=np.float64).clip(-inf, inf)
    lp.col_upper_ = np.asarray(model.col_upper, dtype=np.float64).clip(-inf, inf)
    lp.row_lower_ = np.asarray(model.row_lower, dtype=np.float64).clip(-inf, inf)
    lp.row_upper_ = np.asarray(model.row_upper, dtype=np.float64).clip(-inf, inf)
    if model.entries:
        triples = np.asarray(model.entries, dtype=np.float64)
        rows = triples[:, 0].astype(np.int32)
        cols = triples[:, 1].astype(np.int32)
        vals = triples[:, 2]
    else:
        rows = np.zeros(0, dtype=np.int32)
        cols = np.zeros(0, dtype=np.int32)
        vals = np.zeros(0, dtype=np.float64)
    order = np.lexsort((rows, cols))
    counts = np.bincount(cols, minlength=model.num_columns)
    start = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = rows[order]
    lp.a_matrix_.value_ = vals[order]
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in model.col_integer
    ]
    return lp


class _QuietHighs(highspy.Highs):
    """A solver that prints nothing: ``highspy.Highs()`` installs its callbacks while it is
    built, and HiGHS writes its banner to stdout then unless output is already off, which
    would spoil a command's ``--json`` output."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def enableCallbacks(self) -> None:  # highspy's own name
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()  # type: ignore[no-untyped-call]


def solve_with_highs(
    model: LinearModel, *, time_limit_s: float = 30.0, mip_rel_gap: float = 0.0, threads: int = 1
) -> SolverResult:
    """Solve ``model`` to optimality (relative gap ``mip_rel_gap``) within the time limit."""
    started = time.perf_counter()
    if model.num_columns == 0:
        return SolverResult(SolverStatus.OPTIMAL, [], 0.0, 0.0, 0.0)
    highs = _QuietHighs()
    highs.setOptionValue("time_limit", float(time_limit_s))
    highs.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    highs.setOptionValue("threads", int(threads))
    # The feasibility-jump heuristic costs a fixed few milliseconds per MIP, more than
    # the small per-SKU blocks take to solve outright.
    highs.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    highs.passModel(_lp(model))
    highs.run()
    status = _STATUS.get(highs.getModelStatus(), SolverStatus.ERROR)
    seconds = time.perf_counter() - started
    detail = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if not has_solution:
        if status is SolverStatus.OPTIMAL:
            status = SolverStatus.ERROR
        return SolverResult(status, [], None, seconds, None, detail)
    values = list(highs.getSolution().col_value)
    gap = info.mip_gap if any(model.col_integer) else 0.0
    return SolverResult(status, values, float(info.objective_function_value), seconds, gap, detail)


__all__ = ["solve_with_highs"]
