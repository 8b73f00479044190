"""The contract-to-pay demo scenario runs to an authorised payment and leaves one
exception (an overpriced milestone invoice) for the buyer."""

from __future__ import annotations

from procureflow.demo.scenarios import contract_to_pay
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services
from tests.e2e.contract_to_pay_support import PEOPLE, add_people, poll


def test_the_demo_scenario_pays_the_matching_invoice_and_queues_the_overpriced_one(
    runtime: Services,
) -> None:
    add_people(runtime)
    people = {user: runtime.extras["users"].get(user) for user in PEOPLE}
    result = contract_to_pay.run(runtime, people)
    assert result.ok, result.problem
    assert result.details["payment"]["status"] == "authorised"
    assert result.details["payment"]["plan"]["takes_discount"] is True
    queued = poll(
        "the overpriced invoice's exception",
        lambda: exception_queue(runtime).list(
            subject_type="invoice", subject_id=result.details["exception_invoice"]
        ),
    )
    assert queued[0]["reason_code"] == "price_over_tolerance"
