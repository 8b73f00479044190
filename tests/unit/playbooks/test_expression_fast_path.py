"""Plain paths are looked up without jq, with exactly jq's answers and errors."""

from __future__ import annotations

from typing import Any

import jq
import pytest

from procureflow.errors import ExpressionError
from procureflow.playbooks.expressions import evaluate

CASES: list[tuple[str, Any, dict[str, Any] | None]] = [
    (".", {"a": 1}, None),
    (".a", {"a": {"b": 2}}, None),
    (".a.b", {"a": {"b": [1, 2]}}, None),
    (".a.b", {"a": None}, None),
    (".missing", {"a": 1}, None),
    (".x", None, None),
    ("$v", {}, {"v": {"k": 1}}),
    ("$v.k", {}, {"v": {"k": "z"}}),
    ("$v.k.deeper", {}, {"v": {"k": None}}),
]


def _by_jq(body: str, data: Any, variables: dict[str, Any] | None) -> Any:
    names = sorted(variables or {})
    bind = f"$__root.vars as {{{', '.join('$' + n for n in names)}}} | " if names else ""
    program = jq.compile(f". as $__root | {bind}$__root.data | {body}")
    return program.input_value({"data": data, "vars": variables or {}}).first()


@pytest.mark.parametrize(("body", "data", "variables"), CASES)
def test_a_plain_path_answers_what_jq_answers(
    body: str, data: Any, variables: dict[str, Any] | None
) -> None:
    assert evaluate("${ " + body + " }", data, variables) == _by_jq(body, data, variables)


@pytest.mark.parametrize(
    ("body", "data", "variables"),
    [(".a", [1], None), (".a.b", {"a": [1]}, None), ("$v.k", {}, {"v": 5})],
)
def test_indexing_a_non_object_is_jqs_error(
    body: str, data: Any, variables: dict[str, Any] | None
) -> None:
    with pytest.raises(ExpressionError, match="Cannot index"):
        evaluate("${ " + body + " }", data, variables)


def test_the_answer_is_a_new_value_not_a_part_of_the_data() -> None:
    data = {"plan": {"lines": [{"qty": 1}]}}
    found = evaluate("${ .plan }", data)
    found["lines"][0]["qty"] = 99
    assert data["plan"]["lines"][0]["qty"] == 1
