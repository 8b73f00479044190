"""HTTP calls, declared functions, human tasks in workflow context, and replay."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from procureflow.playbooks import list_builtin, load_playbook_file
from procureflow.runtime.faults import WorkflowFaulted
from procureflow.runtime.memory import FakeClock, InMemoryRuntime
from procureflow.runtime.ports import CallContext, HttpRequest, HttpResponse
from tests.unit.runtime.runtime_helpers import playbook, runtime


class SupplierApi:
    """A stand-in for a supplier's HTTP API (outside the product)."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        body = {"sku": request.url.rsplit("/", 1)[-1], "stock": 12}
        return HttpResponse(
            status=self.status, headers={"content-type": "application/json"}, content=body, raw="{}"
        )


HTTP = """
- stock:
    call: http
    with:
      method: get
      endpoint:
        uri: https://supplier.example/stock/{sku}
        authentication:
          basic:
            username: ${ $secrets.portal.user }
            password: ${ $secrets.portal.password }
      headers:
        X-Order: ${ .po }
      query:
        warehouse: ${ .warehouse }
      output: MODE
"""


def test_http_call_interpolates_authenticates_and_returns_the_response() -> None:
    api = SupplierApi()
    rt = runtime(http=api, secrets={"portal": {"user": "pf", "password": "s3cret"}})
    output = rt.run(
        playbook(HTTP.replace("MODE", "response")), {"sku": "A-1", "po": "PO-3", "warehouse": "W2"}
    )
    (request,) = api.requests
    assert request.url == "https://supplier.example/stock/A-1"
    assert request.query == {"warehouse": "W2"}
    assert request.headers["X-Order"] == "PO-3"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"pf:s3cret").decode()
    assert output["statusCode"] == 200 and output["content"] == {"sku": "A-1", "stock": 12}
    assert output["request"]["method"] == "GET"


def test_http_error_status_is_a_communication_error_with_that_status() -> None:
    rt = runtime(http=SupplierApi(status=404), secrets={"portal": {"user": "u", "password": "p"}})
    with pytest.raises(WorkflowFaulted) as caught:
        rt.run(
            playbook(HTTP.replace("MODE", "content")), {"sku": "A-1", "po": "x", "warehouse": "y"}
        )
    assert caught.value.error["status"] == 404
    assert caught.value.error["type"].endswith("/errors/communication")
    assert caught.value.error["instance"] == "/do/0/stock"


def test_a_function_declared_in_use_runs_with_the_callers_arguments() -> None:
    use = """\
    use:
      functions:
        stockOf:
          call: http
          with:
            method: get
            endpoint: https://supplier.example/stock/{sku}
          output:
            as: .stock
    """
    api = SupplierApi()
    book = playbook("- s:\n    call: stockOf\n    with:\n      sku: ${ .item }\n", use=use)
    assert runtime(http=api).run(book, {"item": "B-2"}) == 12
    assert api.requests[0].url == "https://supplier.example/stock/B-2"


def _approval(asked: list[Any]) -> Any:
    """A human task: ask, wait within the SLA, escalate once, then decide."""

    def approve(arguments: dict[str, Any], ctx: CallContext) -> Any:
        assert arguments["action"]["kind"] == "purchase_order"
        for level, role in enumerate(["budget_owner", "cfo"]):
            ctx.durability.step(f"{ctx.task_key}/ask/{level}", lambda r=role: asked.append(r))
            answer = ctx.durability.receive(
                f"{ctx.task_key}/answer/{level}", f"approval:{ctx.task_key}", 24 * 3600
            )
            if answer is not None:
                return {"status": answer["status"], "decided_by": answer["by"]}
        return {"status": "expired", "decided_by": None}

    return approve


def _guard(limit: float) -> Any:
    def guard(arguments: dict[str, Any], ctx: CallContext) -> Any:
        amount = arguments["facts"]["action"]["amount"]["amount"]
        return {"outcome": "allow" if amount <= limit else "require_approval"}

    return guard


def _demo_runtime(asked: list[Any]) -> InMemoryRuntime:
    rt = runtime()
    rt.functions.register("procureflow.guard", _guard(10000))
    rt.functions.register("procureflow.approval", _approval(asked), durable_step=False)
    return rt


def _demo() -> Any:
    return load_playbook_file(next(p for p in list_builtin() if p.name == "approval-demo.yaml"))


def test_builtin_approval_demo_releases_within_limits_without_asking() -> None:
    asked: list[Any] = []
    rt = _demo_runtime(asked)
    output = rt.run(_demo(), {"amount": 500, "currency": "EUR", "category": "it"})
    assert (output["guard"], output["released"]) == ("allow", True)
    assert asked == []
    (released,) = rt.events.published
    assert released["type"] == "procureflow.purchase.released.v1"
    assert released["data"]["amount"] == {"amount": 500, "currency": "EUR"}


def test_builtin_approval_demo_escalates_after_the_sla_and_records_the_approver() -> None:
    asked: list[Any] = []
    rt = _demo_runtime(asked)
    clock = rt.clock
    assert isinstance(clock, FakeClock)

    def cfo_answers_after_the_first_sla(seconds: float) -> None:
        FakeClock.sleep(clock, seconds)
        if len(clock.slept) == 2:  # the budget owner's SLA passed in silence; the CFO answers
            rt.durability.send(
                "approval:do/askApprover", {"status": "approved", "by": "cfo@example"}
            )

    clock.sleep = cfo_answers_after_the_first_sla  # type: ignore[method-assign]
    output = rt.run(_demo(), {"amount": 50000, "currency": "EUR", "category": "it"})
    assert asked == ["budget_owner", "cfo"]
    assert clock.slept == [86400.0, 86400.0]
    assert [r.name for r in rt.observer.waiting] == ["askApprover"]
    assert output["approval"] == {"status": "approved", "decidedBy": "cfo@example"}
    assert output["released"] is True


def test_builtin_approval_demo_refuses_when_nobody_approves() -> None:
    asked: list[Any] = []
    rt = _demo_runtime(asked)
    output = rt.run(_demo(), {"amount": 50000, "currency": "EUR", "category": "it"})
    assert output["released"] is False and output["approval"]["status"] == "expired"
    assert rt.events.published == []


def test_a_replay_returns_recorded_results_without_running_functions_again() -> None:
    calls: list[dict[str, Any]] = []

    def place_order(arguments: dict[str, Any], ctx: CallContext) -> Any:
        calls.append(arguments)
        return {"po": f"PO-{len(calls)}"}

    book = playbook(
        "- place:\n    call: erp.placeOrder\n    with:\n      qty: ${ .qty }\n- done:\n    set:\n      po: ${ .po }\n"
    )
    rt = InMemoryRuntime(clock=FakeClock())
    rt.functions.register("erp.placeOrder", place_order)
    first = rt.run(book, {"qty": 3}, instance_id="inst-1")
    again = rt.run(book, {"qty": 3}, instance_id="inst-1")
    assert first == again == {"po": "PO-1"}
    assert len(calls) == 1


def test_function_results_become_json_so_money_stays_exact() -> None:
    from decimal import Decimal

    from pydantic import BaseModel

    class Quote(BaseModel):
        supplier: str
        unit_price: Decimal

    rt = runtime()
    rt.functions.register(
        "agent.sourcing", lambda arguments, ctx: Quote(supplier="acme", unit_price=Decimal("12.30"))
    )
    book = playbook(
        "- quote:\n    call: agent.sourcing\n- total:\n    set:\n"
        "      supplier: ${ .supplier }\n      price: ${ .unit_price }\n"
    )
    assert rt.run(book, {}) == {"supplier": "acme", "price": "12.30"}


def test_a_declared_function_can_preset_arguments_of_a_registered_one() -> None:
    seen: list[dict[str, Any]] = []
    rt = runtime()
    rt.functions.register(
        "procureflow.guard", lambda arguments, ctx: seen.append(arguments) or "ok"
    )
    use = """\
    use:
      functions:
        purchaseGuard:
          call: procureflow.guard
          with:
            action: purchase
            amount: ${ .amount }
    """
    book = playbook(
        "- g:\n    call: purchaseGuard\n    with:\n      amount: ${ .total }\n", use=use
    )
    assert rt.run(book, {"total": 90}) == "ok"
    assert seen == [{"action": "purchase", "amount": 90}]


def test_workflow_input_schema_refuses_bad_input_before_anything_runs() -> None:
    rt = _demo_runtime([])
    with pytest.raises(WorkflowFaulted) as caught:
        rt.run(_demo(), {"amount": 5})
    error = caught.value.error
    assert error["type"].endswith("/errors/validation") and error["instance"] == "/input"
    assert "'currency' is a required property" in error["detail"]
    assert rt.observer.finished == []


def test_task_output_schema_is_checked() -> None:
    book = playbook(
        """
        - price:
            set:
              amount: ${ .amount }
            output:
              schema:
                document:
                  type: object
                  properties:
                    amount: {type: string}
        """
    )
    assert runtime().run(book, {"amount": "12.50"}) == {"amount": "12.50"}
    with pytest.raises(WorkflowFaulted, match="at amount: 12.5 is not of type 'string'"):
        runtime().run(book, {"amount": 12.5})
