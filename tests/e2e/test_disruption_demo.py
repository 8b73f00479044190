"""The demo's supply-disruption scenario runs to its end, and a second run changes nothing."""

from __future__ import annotations

from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.demo.runner import ensure_people
from procureflow.demo.scenarios import disruption
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services


def test_the_disruption_scenario_executes_the_motor_recovery(runtime: Services) -> None:
    people = ensure_people(runtime.extras["users"])
    result = disruption.run(runtime, people)
    assert result.ok, result.problem
    main = result.details[disruption.MAIN_MAIL]
    assert main["outcome"] == "executed" and len(main["purchase_orders"]) == 1
    assert "SUP-KOWALSKI" in main["purchase_orders"][0]
    assert result.approvals  # the policy asked a person for the motors plan
    outcomes = {name: d["outcome"] for name, d in result.details.items()}
    assert outcomes["07_delay_unknown_sender.eml"] == "unknown_sender"
    assert set(outcomes.values()) <= {"executed", "escalated", "no_action", "unknown_sender"}
    assert exception_queue(runtime).list(reason_code="supplier.unknown_sender")

    store = PurchaseOrderStore(runtime.engine, runtime.audit)
    count = store.count()
    again = disruption.run(runtime, people)
    assert again.ok and again.instances == result.instances and again.approvals == []
    assert store.count() == count
