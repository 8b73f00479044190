"""Bad playbooks are refused with the origin, line and field path of every problem."""

from __future__ import annotations

import pytest

from procureflow.errors import PlaybookInvalid
from procureflow.playbooks import PlaybookProblems, load_playbook, validate

HEADER = """\
document:
  dsl: '1.0.0'
  namespace: procurement
  name: order
  version: '0.1.0'
do:
"""


def _refusal(body: str) -> str:
    with pytest.raises(PlaybookInvalid) as caught:
        load_playbook(HEADER + body, "order.yaml")
    return str(caught.value)


def test_malformed_yaml_names_the_line() -> None:
    message = _refusal("  - a:\n      set: {x: 1\n  - b:\n      set: {y: 2}\n")
    assert message.startswith("order.yaml:9: malformed YAML")


def test_unknown_task_type_names_line_path_and_the_key() -> None:
    message = _refusal("  - reserve:\n      set: {x: 1}\n  - checkStock:\n      cal: http\n")
    assert message.startswith("order.yaml:10: do[1].checkStock.cal: unknown task type 'cal'")


def test_missing_required_field() -> None:
    message = _refusal("  - loop:\n      for:\n        each: line\n      do: []\n")
    assert message == "order.yaml:8: do[0].loop.for.in: required field is missing"


def test_extra_property_where_the_spec_forbids_it() -> None:
    message = _refusal(
        "  - getPet:\n      call: http\n      with:\n        method: get\n"
        "        endpoint: https://example.com/pets\n        verb: get\n"
    )
    assert message == "order.yaml:12: do[0].getPet.with.verb: property 'verb' is not allowed here"


@pytest.mark.parametrize(
    ("duration", "expected"),
    [("PT5X", "bad duration 'PT5X'"), ("{minutes: 1.5}", "'minutes' must be a whole number")],
)
def test_bad_durations(duration: str, expected: str) -> None:
    message = _refusal(f"  - pause:\n      wait: {duration}\n")
    assert message.startswith("order.yaml:8: do[0].pause.wait: ")
    assert expected in message


def test_jq_syntax_errors_are_found_at_load_time_in_every_place() -> None:
    message = _refusal(
        "  - compute:\n      set:\n        total: ${ .lines | map(.amount) | add + }\n"
        "  - check:\n      if: .total >\n      set: {ok: true}\n"
    )
    assert message.startswith("2 problems: ")
    assert "order.yaml:9: do[0].compute.set.total: jq expression" in message
    assert "order.yaml:11: do[1].check.if: jq expression '.total >' does not compile" in message


def test_two_tasks_in_one_item() -> None:
    message = _refusal("  - a:\n      set: {x: 1}\n    b:\n      set: {y: 1}\n")
    assert message == "order.yaml:7: do[0]: each item must name exactly one entry, found 2: a, b"


def test_duplicate_keys_are_refused_instead_of_silently_kept() -> None:
    message = _refusal("  - a:\n      set: {x: 1}\n      set: {x: 2}\n")
    assert message == "order.yaml:9: do[0].a.set: duplicate key 'set'"


def test_flow_directive_to_a_task_that_does_not_exist() -> None:
    message = _refusal("  - a:\n      set: {x: 1}\n      then: nowhere\n")
    assert (
        message == "order.yaml:9: do[0].a.then: flow directive 'nowhere' names no task of this list"
    )


def test_raise_of_an_error_not_declared() -> None:
    message = _refusal("  - fail:\n      raise:\n        error: outOfStock\n")
    assert "do[0].fail.raise.error: no error named 'outOfStock' under use.errors" in message


def test_bad_document_identity() -> None:
    with pytest.raises(PlaybookInvalid) as caught:
        load_playbook("document: {dsl: '1.0', namespace: p, name: x}\ndo: []\n", "x.yaml")
    assert "x.yaml:1: document.dsl: '1.0' is not a semantic version" in str(caught.value)
    assert "document.version: required field is missing" in str(caught.value)


def test_every_problem_is_listed() -> None:
    with pytest.raises(PlaybookProblems) as caught:
        load_playbook(HEADER + "  - a:\n      wait: soon\n  - b:\n      cal: x\n", "order.yaml")
    assert len(caught.value.problems) == 2


def test_empty_and_non_mapping_documents() -> None:
    with pytest.raises(PlaybookInvalid, match="order.yaml:1: the document is empty"):
        load_playbook("", "order.yaml")
    with pytest.raises(PlaybookInvalid, match="must be a mapping"):
        load_playbook("- just a list\n", "order.yaml")


def test_unknown_function_only_when_the_known_set_is_given() -> None:
    playbook = load_playbook(
        HEADER + "  - guard:\n      call: procureflow.guardd\n      with: {amount: 10}\n",
        "order.yaml",
    )
    validate(playbook)
    validate(playbook, {"procureflow.guardd"})
    with pytest.raises(PlaybookInvalid) as caught:
        validate(playbook, {"procureflow.guard", "procureflow.approval"})
    assert (
        str(caught.value) == "order.yaml:8: do[0].guard.call: unknown function 'procureflow.guardd'"
    )


def test_functions_declared_in_use_are_known() -> None:
    text = HEADER.replace(
        "do:\n",
        "use:\n  functions:\n    getPet:\n      call: http\n      with:\n"
        "        method: get\n        endpoint: https://example.com/pets/{id}\ndo:\n",
    )
    playbook = load_playbook(
        text + "  - fetch:\n      call: getPet\n      with: {id: 1}\n", "p.yaml"
    )
    validate(playbook, set())


def test_a_malformed_json_schema_is_a_playbook_error() -> None:
    message = _refusal(
        "  - a:\n      input:\n        schema:\n          document:\n            type: objekt\n"
        "      set: {x: 1}\n"
    )
    assert message.startswith(
        "order.yaml:10: do[0].a.input.schema.document: not a valid JSON Schema"
    )
