"""One bad master-data row must not take down every plan: the gap drops what it touches,
the playbook goes on, and the gap goes to the people who keep master data."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest

from procureflow.adapters.importers import MasterDataImporter
from procureflow.domain.cloudevents import new_event
from procureflow.domain.master import ImportContext
from procureflow.policies import load_policy
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import prepare, rfq_round, task_output


@pytest.fixture
def no_approvals(runtime: Services) -> None:
    """A policy whose limits the demo's recovery plans stay within."""
    text = (files("procureflow.policies") / "builtin" / "default.yaml").read_text("utf-8")
    text = text.replace("action.price_increase_pct > 5.0", "action.price_increase_pct > 90.0")
    text = text.replace("action.extra_cost.amount > 10000", "action.extra_cost.amount > 9000000")
    text = text.replace("action.carbon_increase_pct > 20.0", "action.carbon_increase_pct > 900.0")
    text = text.replace("s.esg_score < 50", "s.esg_score < 0")
    runtime.extras["policy"] = load_policy(text, "no-approvals.yaml")


def _bad_rows(runtime: Services) -> tuple[Any, Any]:
    importer = MasterDataImporter(
        runtime.engine, ImportContext(base_currency="EUR", plant_location="DEHAM")
    )
    offers = importer.import_bytes(
        "offers",
        b"supplier_id,sku,unit_price,currency,lead_time_days,capacity_per_week,min_order_qty\n"
        b"SUP-ISAR,MTR-7K5-400,3900,SEK,5,500,10\n",
        "offers-sek.csv",
    )
    lanes = importer.import_bytes(
        "lanes",
        b"origin,destination,mode,cost_per_kg,transit_days,co2e_kg_per_tkm\n"
        b"XXQQQ,DEHAM,road,0.20,3,\n",
        "lanes-unknown.csv",
    )
    return offers, lanes


def test_a_missing_rate_and_an_unknown_place_are_raised_and_the_plan_goes_on(
    runtime: Services, no_approvals: None
) -> None:
    prepare(runtime)
    offers, lanes = _bad_rows(runtime)
    assert offers.warnings == ("no FX rate for SEK: import fx before planning",)
    assert lanes.warnings and "XXQQQ" in lanes.warnings[0]
    event = new_event(
        type="supplier.delay_notice",
        source="https://portal.example",
        data={
            "supplier_id": "SUP-HUAXIN",
            "skus": ["MTR-7K5-400"],
            "po_numbers": ["PO-2026-0412"],
            "delay_days": 42,
            "original_date": "2026-11-30",
            "as_of": "2026-11-23",
        },
    )
    instance_id = EventDispatcher(runtime).ingest(event, actor="portal").started[0]
    rfq = rfq_round(runtime, instance_id)  # a plan was found and sent out: no fault
    assert rfq["requests"]
    proposal = task_output(runtime, instance_id, "choosePlan")["proposal"]
    assert proposal["found"] is True
    assert {(g["kind"], g["key"]) for g in proposal["data_gaps"]} == {
        ("fx_rate", "SEK"),
        ("locode", "XXQQQ"),
    }
    assert "Left out for missing master data" in proposal["reasoning"]
    queue = exception_queue(runtime)
    fx = queue.list(reason_code="master_data.missing_fx_rate")
    place = queue.list(reason_code="master_data.missing_locode")
    assert [e["subject"]["id"] for e in fx] == ["fx_rate:SEK"]
    assert [e["subject"]["id"] for e in place] == ["locode:XXQQQ"]
    assert {e["owner_role"] for e in fx + place} == {"category_manager"}
    assert fx[0]["detail"]["dropped"] == "offer SUP-ISAR for MTR-7K5-400"
