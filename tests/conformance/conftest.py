"""Print the conformance score (passed / total scenarios) at the end of the test session."""

from __future__ import annotations

from typing import Any

import pytest

_OUTCOMES: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember each conformance scenario's outcome."""
    if "test_ctk_scenario[" in report.nodeid and (
        report.when == "call" or report.outcome != "passed"
    ):
        _OUTCOMES[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """``ctk: N passed / M total`` when any scenario ran."""
    if _OUTCOMES:
        passed = sum(1 for outcome in _OUTCOMES.values() if outcome == "passed")
        terminalreporter.write_line(f"ctk: {passed} passed / {len(_OUTCOMES)} total scenarios")
