"""raise, try/catch filters, retry policies with backoff and limits, custom function errors."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from procureflow.errors import InvalidInput
from procureflow.runtime.faults import WorkflowFaulted
from procureflow.runtime.ports import CallContext
from tests.unit.runtime.runtime_helpers import playbook, runtime

USE_ERRORS = """\
use:
  errors:
    outOfStock:
      type: https://procureflow.example/errors/out-of-stock
      status: 409
      title: Out of stock
      detail: ${ "no stock for \\(.sku)" }
"""


def test_raise_by_name_evaluates_the_detail_and_sets_the_instance() -> None:
    book = playbook("- fail:\n    raise:\n      error: outOfStock\n", use=USE_ERRORS)
    with pytest.raises(WorkflowFaulted) as caught:
        runtime().run(book, {"sku": "A-1"})
    assert caught.value.error == {
        "type": "https://procureflow.example/errors/out-of-stock",
        "status": 409,
        "title": "Out of stock",
        "detail": "no stock for A-1",
        "instance": "/do/0/fail",
    }


def test_catch_filters_by_type_and_status_and_binds_the_error_variable() -> None:
    book = playbook(
        """
        - guarded:
            try:
              - fail:
                  raise:
                    error: outOfStock
            catch:
              errors:
                with:
                  type: https://procureflow.example/errors/out-of-stock
                  status: 409
              as: problem
              do:
                - note:
                    set:
                      handled: ${ $problem.title }
                      at: ${ $problem.instance }
        """,
        use=USE_ERRORS,
    )
    assert runtime().run(book, {"sku": "A-1"}) == {
        "handled": "Out of stock",
        "at": "/do/0/guarded/try/0/fail",
    }


@pytest.mark.parametrize(
    ("catch", "caught"),
    [
        ("errors:\n  with:\n    status: 500\n", False),
        ("when: ${ $error.status == 409 }\n", True),
        ("exceptWhen: ${ $error.status == 409 }\n", False),
    ],
)
def test_uncaught_errors_propagate(catch: str, caught: bool) -> None:
    book = playbook(
        "- guarded:\n    try:\n      - fail:\n          raise:\n            error: outOfStock\n"
        "    catch:\n" + textwrap.indent(catch, "      "),
        use=USE_ERRORS,
    )
    if caught:
        assert runtime().run(book, {"sku": "A"}) == {"sku": "A"}
    else:
        with pytest.raises(WorkflowFaulted):
            runtime().run(book, {"sku": "A"})


def _flaky(failures: int) -> tuple[list[int], Any]:
    calls: list[int] = []

    def reserve(arguments: dict[str, Any], ctx: CallContext) -> Any:
        calls.append(len(calls))
        if len(calls) <= failures:
            raise ConnectionError("supplier portal down")
        return {"reserved": arguments["qty"], "key": ctx.idempotency_key}

    return calls, reserve


RETRYING = """
- reserveStock:
    try:
      - reserve:
          call: supplier.reserve
          with:
            qty: ${ .qty }
    catch:
      errors:
        with:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
      retry:
        delay:
          seconds: 2
        backoff:
          exponential: {}
        limit:
          attempt:
            count: 3
"""


def test_retry_with_exponential_backoff_until_success() -> None:
    calls, reserve = _flaky(failures=2)
    rt = runtime()
    rt.functions.register("supplier.reserve", reserve)
    output = rt.run(playbook(RETRYING), {"qty": 5}, instance_id="inst-1")
    assert output == {"reserved": 5, "key": "inst-1:do/reserveStock@2/reserve"}
    assert len(calls) == 3
    assert rt.clock.slept == [2.0, 4.0]  # type: ignore[attr-defined]
    attempts = [k for k in rt.durability.executed if k.endswith("/reserve")]
    assert attempts == [
        "do/reserveStock/reserve",
        "do/reserveStock@1/reserve",
        "do/reserveStock@2/reserve",
    ]


def test_retry_gives_up_after_the_attempt_limit() -> None:
    calls, reserve = _flaky(failures=10)
    rt = runtime()
    rt.functions.register("supplier.reserve", reserve)
    with pytest.raises(WorkflowFaulted) as caught:
        rt.run(playbook(RETRYING), {"qty": 5})
    assert len(calls) == 4
    assert "supplier portal down" in caught.value.error["detail"]


def test_linear_backoff_with_jitter_and_a_named_policy() -> None:
    calls, reserve = _flaky(failures=2)
    rt = runtime()
    rt.functions.register("supplier.reserve", reserve)
    use = (
        "use:\n  retries:\n    patient:\n      delay: PT1S\n      backoff:\n        linear: {}\n"
        "      jitter:\n        from: {milliseconds: 100}\n        to: {milliseconds: 200}\n"
    )
    body = RETRYING.split("      retry:")[0] + "      retry: patient\n"
    rt.run(playbook(body, use=use), {"qty": 1})
    first, second = rt.clock.slept  # type: ignore[attr-defined]
    assert 1.1 <= first <= 1.2 and 2.1 <= second <= 2.2


def test_a_product_error_from_a_function_keeps_its_status() -> None:
    def refuse(arguments: dict[str, Any], ctx: CallContext) -> Any:
        raise InvalidInput("amount must be positive")

    rt = runtime()
    rt.functions.register("procureflow.guard", refuse)
    with pytest.raises(WorkflowFaulted) as caught:
        rt.run(playbook("- g:\n    call: procureflow.guard\n    with: {amount: -1}\n"), {})
    assert caught.value.error["status"] == 422
    assert caught.value.error["instance"] == "/do/0/g"
    assert [r.status for r in rt.observer.finished] == ["faulted"]


def test_unknown_function_and_unsupported_protocols_fault_clearly() -> None:
    with pytest.raises(WorkflowFaulted, match="Unknown function"):
        runtime().run(playbook("- g:\n    call: nobody.knows\n"), {})
    grpc = """
    - g:
        call: grpc
        with:
          proto:
            endpoint: https://example.com/x.proto
          service: {name: S, host: example.com}
          method: M
    """
    with pytest.raises(WorkflowFaulted, match="call: grpc is not supported"):
        runtime().run(playbook(grpc), {})
    run = "- r:\n    run:\n      shell:\n        command: ls\n"
    with pytest.raises(WorkflowFaulted, match="run.shell is not supported"):
        runtime().run(playbook(run), {})


def test_errors_of_the_durable_engine_are_not_turned_into_playbook_faults() -> None:
    class EngineShutdown(Exception):
        """Stands for the engine's own signal (cancellation, shutdown)."""

    EngineShutdown.__module__ = "dbos._error"

    def interrupted(arguments: dict[str, Any], ctx: CallContext) -> Any:
        raise EngineShutdown("the engine is shutting down")

    rt = runtime()
    rt.functions.register("procureflow.approval", interrupted, durable_step=False)
    with pytest.raises(EngineShutdown):
        rt.run(playbook("- ask:\n    call: procureflow.approval\n"), {})
    assert all(r.status != "faulted" for r in rt.observer.finished)
