"""Data flow, flow directives, loops, switches and durable-step bookkeeping."""

from __future__ import annotations

from collections import Counter

import pytest

from procureflow.playbooks import list_builtin, load_playbook, load_playbook_file
from procureflow.runtime.faults import WorkflowFaulted
from tests.unit.runtime.runtime_helpers import playbook, runtime


def test_input_from_output_as_and_export_as_shape_data_and_context() -> None:
    book = playbook(
        """
        - pick:
            input:
              from: .order
            set:
              total: ${ .lines | map(.qty * .price) | add }
            output:
              as: '${ { total: .total, lines: ($input.lines | length) } }'
            export:
              as: '${ $context + { total: .total } }'
        - useContext:
            set:
              doubled: ${ $context.total * 2 }
              lines: ${ .lines }
        """
    )
    order = {"order": {"lines": [{"qty": 2, "price": 5}, {"qty": 1, "price": 3}]}}
    assert runtime().run(book, order) == {"doubled": 26, "lines": 2}


def test_if_false_skips_the_task_and_records_it_as_skipped() -> None:
    book = playbook(
        """
        - maybe:
            if: .amount > 100
            set: {flagged: true}
        - always:
            set:
              amount: ${ .amount }
        """
    )
    rt = runtime()
    assert rt.run(book, {"amount": 50}) == {"amount": 50}
    assert [(r.name, r.status) for r in rt.observer.finished] == [
        ("maybe", "skipped"),
        ("always", "completed"),
    ]


def test_each_leaf_task_is_exactly_one_durable_step() -> None:
    body = "".join(f"- s{i}:\n    set:\n      n: ${{ (.n // 0) + 1 }}\n" for i in range(10))
    rt = runtime()
    assert rt.run(playbook(body), {}) == {"n": 10}
    assert rt.durability.executed == [f"do/s{i}" for i in range(10)]
    assert [r.key for r in rt.observer.finished] == rt.durability.executed


def test_jumping_back_gives_every_visit_its_own_key() -> None:
    book = playbook(
        """
        - count:
            set:
              n: ${ (.n // 0) + 1 }
        - again:
            switch:
              - more:
                  when: .n < 3
                  then: count
              - done:
                  then: end
        """
    )
    rt = runtime()
    assert rt.run(book, {}) == {"n": 3}
    keys = rt.durability.executed
    assert keys == ["do/count", "do/again", "do/count#2", "do/again#2", "do/count#3", "do/again#3"]
    assert max(Counter(keys).values()) == 1


def test_exit_leaves_only_the_enclosing_do_and_end_stops_everything() -> None:
    book = playbook(
        """
        - inner:
            do:
              - first:
                  set: {step: first}
                  then: exit
              - skipped:
                  set: {step: skipped}
        - after:
            set:
              seen: ${ .step }
            then: end
        - never:
            set: {seen: never}
        """
    )
    rt = runtime()
    assert rt.run(book, {}) == {"seen": "first"}
    assert "skipped" not in rt.observer.names() and "never" not in rt.observer.names()


def test_for_loop_with_custom_names_and_while() -> None:
    book = playbook(
        """
        - sum:
            for:
              each: line
              in: .lines
              at: position
            while: (.total // 0) < 10
            do:
              - add:
                  set:
                    total: ${ (.total // 0) + $line }
                    last: ${ $position }
        """
    )
    assert runtime().run(book, {"lines": [4, 5, 6, 7]}) == {"total": 15, "last": 2}


def test_builtin_hello_greets_everyone_and_classifies() -> None:
    hello = next(p for p in list_builtin() if p.name == "hello.yaml")
    output = runtime().run(load_playbook_file(hello), {"names": ["Ann", "Bo", "Cy"]})
    assert output["crowd"] is True
    assert output["greetings"] == ["Hello, Ann! (#1)", "Hello, Bo! (#2)", "Hello, Cy! (#3)"]
    assert runtime().run(load_playbook_file(hello), {})["crowd"] is False


def test_an_expression_that_fails_at_run_time_faults_with_its_task_pointer() -> None:
    book = playbook(
        """
        - ok:
            set: {a: 1}
        - broken:
            set:
              b: ${ .a | error("no stock") }
        """
    )
    with pytest.raises(WorkflowFaulted) as caught:
        runtime().run(book, {})
    error = caught.value.error
    assert error["type"].endswith("/errors/expression")
    assert error["instance"] == "/do/1/broken"
    assert "no stock" in error["detail"]


def test_workflow_input_and_output_filters() -> None:
    book = load_playbook(
        "document: {dsl: '1.0.0', namespace: t, name: w, version: '1.0.0'}\n"
        "input:\n  from: .payload\n"
        "do:\n  - s:\n      set:\n        v: ${ .x + 1 }\n"
        "output:\n  as: .v\n",
        "w.yaml",
    )
    assert runtime().run(book, {"payload": {"x": 41}}) == 42
