"""emit, listen (one / any-until / all, correlation, timeout), wait and fork."""

from __future__ import annotations

from typing import Any

import pytest

from procureflow.playbooks import load_playbook
from procureflow.runtime.faults import WorkflowFaulted
from tests.unit.runtime.runtime_helpers import playbook, runtime

REPLY = "com.example.supplier.replied.v1"


def _event(event_type: str, data: Any, source: str = "https://suppliers.example") -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"e-{data}",
        "source": source,
        "type": event_type,
        "data": data,
    }


def test_emit_publishes_a_complete_cloudevent_and_outputs_it() -> None:
    book = playbook(
        """
        - announce:
            emit:
              event:
                with:
                  source: procureflow/tests
                  type: com.example.order.placed.v1
                  subject: ${ .po }
                  data:
                    po: ${ .po }
        """
    )
    rt = runtime()
    output = rt.run(book, {"po": "PO-9"})
    assert rt.events.published == [output]
    assert output["specversion"] == "1.0" and output["id"] and output["time"]
    assert output["datacontenttype"] == "application/json"
    assert (output["subject"], output["data"]) == ("PO-9", {"po": "PO-9"})


def test_listen_one_waits_for_the_correlated_event_and_reads_its_data() -> None:
    book = playbook(
        """
        - awaitReply:
            listen:
              to:
                one:
                  with:
                    type: com.example.supplier.replied.v1
                  correlate:
                    order:
                      from: .data.po
                      expect: ${ .po }
        """
    )
    rt = runtime()
    rt.events.deliver(_event(REPLY, {"po": "PO-1", "ok": False}))
    rt.events.deliver(_event(REPLY, {"po": "PO-2", "ok": True}))
    assert rt.run(book, {"po": "PO-2"}) == [{"po": "PO-2", "ok": True}]
    assert [r.status for r in rt.observer.waiting] == ["waiting"]
    assert rt.events.subscriptions == {}


def test_listen_any_until_consumes_until_the_stop_event() -> None:
    book = playbook(
        """
        - vitals:
            listen:
              to:
                any:
                  - with:
                      type: temperature
                      data: ${ .value > 38 }
                until:
                  one:
                    with:
                      type: checked-out
              read: envelope
        """
    )
    rt = runtime()
    for event in (
        _event("temperature", {"value": 39}),
        _event("temperature", {"value": 36}),
        _event("temperature", {"value": 40}),
        _event("checked-out", "bye"),
        _event("temperature", {"value": 41}),
    ):
        rt.events.deliver(event)
    output = rt.run(book, {})
    assert [e["data"]["value"] for e in output] == [39, 40]


def test_listen_all_needs_one_event_of_each_kind() -> None:
    book = playbook(
        """
        - both:
            listen:
              to:
                all:
                  - with: {type: signed}
                  - with: {type: funded}
        """
    )
    rt = runtime()
    rt.events.deliver(_event("funded", 1))
    rt.events.deliver(_event("signed", 2))
    assert sorted(rt.run(book, {})) == [1, 2]


def test_listen_times_out_with_a_timeout_error() -> None:
    book = playbook(
        """
        - awaitReply:
            timeout:
              after: PT2H
            listen:
              to:
                one:
                  with: {type: never}
        """
    )
    rt = runtime()
    with pytest.raises(WorkflowFaulted) as caught:
        rt.run(book, {})
    assert caught.value.error["type"].endswith("/errors/timeout")
    assert caught.value.error["instance"] == "/do/0/awaitReply"
    assert rt.clock.slept == [7200.0]  # type: ignore[attr-defined]


def test_wait_sleeps_durably_and_passes_its_input_through() -> None:
    book = playbook("- pause:\n    wait: {hours: 1, minutes: 30}\n- later:\n    wait: PT10S\n")
    rt = runtime()
    assert rt.run(book, {"x": 1}) == {"x": 1}
    assert rt.clock.slept == [5400.0, 10.0]  # type: ignore[attr-defined]
    assert [r.name for r in rt.observer.waiting] == ["pause", "later"]


FORK = """
- quotes:
    fork:
      compete: {compete}
      branches:
        - acme:
            set:
              supplier: acme
              price: ${{ .qty * 3 }}
        - globex:
            set:
              supplier: globex
              price: ${{ .qty * 2 }}
"""


def test_fork_outputs_every_branch_in_order() -> None:
    output = runtime().run(playbook(FORK.format(compete="false")), {"qty": 10})
    assert output == [{"supplier": "acme", "price": 30}, {"supplier": "globex", "price": 20}]


def test_competing_fork_outputs_one_winner() -> None:
    output = runtime().run(playbook(FORK.format(compete="true")), {"qty": 10})
    assert output in ({"supplier": "acme", "price": 30}, {"supplier": "globex", "price": 20})


def test_a_failing_branch_faults_the_fork() -> None:
    book = playbook(
        """
        - checks:
            fork:
              branches:
                - fine:
                    set: {ok: true}
                - broken:
                    raise:
                      error:
                        type: https://procureflow.example/errors/vetting
                        status: 422
        """
    )
    with pytest.raises(WorkflowFaulted) as caught:
        runtime().run(book, {})
    assert caught.value.error["instance"] == "/do/0/checks/fork/branches/1/broken"


def test_run_branch_runs_one_branch_from_its_pointer() -> None:
    rt = runtime()
    interpreter = rt.interpreter(playbook(FORK.format(compete="false")), "inst-7")
    result = interpreter.run_branch("/do/0/quotes/fork/branches/1", {"qty": 4}, {}, "do/quotes/1")
    assert (result.completed, result.output) == (True, {"supplier": "globex", "price": 8})


def test_a_task_timeout_stops_a_loop_before_its_next_task() -> None:
    book = playbook(
        """
        - chase:
            timeout:
              after: PT1H
            for:
              in: .reminders
            do:
              - remind:
                  wait: PT25M
        """
    )
    rt = runtime()
    with pytest.raises(WorkflowFaulted) as caught:
        rt.run(book, {"reminders": [1, 2, 3, 4]})
    assert caught.value.error["type"].endswith("/errors/timeout")
    assert caught.value.error["instance"] == "/do/0/chase"
    assert rt.clock.slept == [1500.0, 1500.0, 1500.0]  # type: ignore[attr-defined]


def test_a_named_workflow_timeout_is_enforced_between_tasks() -> None:
    use = "use:\n  timeouts:\n    quick:\n      after: PT10M\n"
    text = playbook("- a:\n    wait: PT15M\n- b:\n    set: {late: true}\n", use=use).text
    book = load_playbook(text.replace("do:\n", "timeout: quick\ndo:\n", 1), "w.yaml")
    with pytest.raises(WorkflowFaulted) as caught:
        runtime().run(book, {})
    assert caught.value.error["instance"] == "/"


def test_listen_until_expression_and_foreach_process_each_event() -> None:
    book = playbook(
        """
        - collectBids:
            listen:
              to:
                any:
                  - with:
                      type: bid
                until: ${ (map(.price) | add) >= 100 }
            foreach:
              item: bid
              at: position
              do:
                - tag:
                    set:
                      supplier: ${ $bid.supplier }
                      rank: ${ $position + 1 }
        """
    )
    rt = runtime()
    for supplier, price in (("acme", 40), ("globex", 70), ("initech", 10)):
        rt.events.deliver(_event("bid", {"supplier": supplier, "price": price}))
    output = rt.run(book, {})
    assert output == [{"supplier": "acme", "rank": 1}, {"supplier": "globex", "rank": 2}]
    assert len(rt.events.pending) == 0 and rt.events.subscriptions == {}
