"""jq runtime expressions: evaluation, variables, nesting, URI templates and errors."""

from __future__ import annotations

import pytest

from procureflow.errors import ExpressionError
from procureflow.playbooks.expressions import (
    check_expression,
    evaluate,
    evaluate_condition,
    evaluate_nested,
    interpolate_uri,
    is_runtime_expression,
)


def test_wrapped_and_bare_expressions_evaluate_the_same() -> None:
    data = {"lines": [{"amount": 3}, {"amount": 4}]}
    assert evaluate("${ .lines | map(.amount) | add }", data) == 7
    assert evaluate(".lines | map(.amount) | add", data) == 7


def test_variables_are_bound_and_only_those_mentioned_are_needed() -> None:
    variables = {"context": {"limit": 5}, "input": {"x": 1}, "workflow": {"huge": list(range(5))}}
    assert evaluate("${ $context.limit + $input.x }", {}, variables) == 6
    assert evaluate("${ $color }", None, {"color": "red"}) == "red"


def test_a_variable_that_is_not_defined_is_an_error_naming_it() -> None:
    with pytest.raises(ExpressionError, match=r"\$nope is not defined"):
        evaluate("${ $nope }", {}, {"context": {}})


def test_runtime_failures_name_the_expression() -> None:
    with pytest.raises(ExpressionError, match=r"jq expression '.a \| error\(\"boom\"\)' failed"):
        evaluate('.a | error("boom")', {"a": 1})


def test_conditions_follow_jq_truthiness() -> None:
    assert evaluate_condition(".ok", {"ok": 0}) is True
    assert evaluate_condition(".ok", {"ok": False}) is False
    assert evaluate_condition(".missing", {}) is False


def test_nested_values_evaluate_only_runtime_expressions() -> None:
    template = {
        "order": "${ .id }",
        "literal": ".id",
        "lines": ["${ .lines | length }", 5, {"deep": "${ $input.who }"}],
    }
    result = evaluate_nested(template, {"id": "PO-1", "lines": [1, 2]}, {"input": {"who": "ann"}})
    assert result == {"order": "PO-1", "literal": ".id", "lines": [2, 5, {"deep": "ann"}]}


def test_expressions_may_contain_braces_and_interpolation() -> None:
    assert is_runtime_expression('${ { a: "\\(.x)" } }')
    assert evaluate('${ { a: "\\(.x)!" } }', {"x": 1}) == {"a": "1!"}


def test_syntax_errors_are_refused_with_the_authors_text() -> None:
    with pytest.raises(ExpressionError) as caught:
        check_expression("${ .total > }")
    assert "jq expression '.total >' does not compile: syntax error" in str(caught.value)
    check_expression("${ $item.price * $index }")


def test_uri_templates_fill_from_the_top_level_of_the_data() -> None:
    assert interpolate_uri(
        "https://x.test/pets/{petId}?s={status}", {"petId": 7, "status": "ok"}
    ) == ("https://x.test/pets/7?s=ok")
    with pytest.raises(ExpressionError, match=r"no value for '\{petId\}'"):
        interpolate_uri("https://x.test/pets/{petId}", {})


def test_expressions_cannot_read_the_process_environment_or_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROCUREFLOW_TEST_SECRET", "s3cret")
    assert evaluate("$ENV.PROCUREFLOW_TEST_SECRET", {}) is None
    assert evaluate("env.PROCUREFLOW_TEST_SECRET", {}) is None
    with pytest.raises(ExpressionError, match="does not compile"):
        check_expression('import "secrets" as $s; $s')
    with pytest.raises(ExpressionError, match="input is not available"):
        evaluate("input", {})
