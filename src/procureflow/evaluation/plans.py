"""Scoring recovery-plan decisions against labelled master-data scenarios.

Each case is one JSON file: a small master-data set (suppliers, items, offers, contracts,
lanes, fx), the open orders, a supplier's delay notice as a portal would post it, and the
decision a procurement analyst expects. The case runs through the same path the
supply-disruption playbook takes — the Risk Monitor's reading, ``assess``, sourcing and
compliance, ``choose_plan``, the guardrails — with no store, so a wrong decision shows
up here before a customer's data finds it.

Fields compared (a label may leave any out):

* ``escalated`` — no plan is left, the playbook would raise ``disruption.no_alternative``;
* ``chosen_suppliers`` and ``chosen_modes`` — who supplies and how the goods travel;
* ``in_time`` — every allocation arrives by the need date;
* ``excluded`` — supplier → sorted reasons: vetting codes (``not-approved``,
  ``certificate-expired`` …), ``no-fx-rate`` for an offer that cannot be priced,
  ``no-route`` for one whose goods cannot reach the plant;
* ``damages`` — ``"<basis> <amount> <currency>"`` or null when no claim is computed;
* ``data_gaps`` — the missing reference data raised (``fx_rate:SEK``, ``locode:XXQQQ``);
* ``incumbent_passed`` — whether the delayed supplier itself passes vetting;
* ``guard`` — allow, require_approval or deny under the shipped policy.

Target: every plan right (all labelled fields of every case).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.agents.risk_monitor_models import RiskMonitorInput
from procureflow.agents.risk_monitor_notice import notice_from_event
from procureflow.domain.master import (
    Contract,
    FxRate,
    Item,
    Lane,
    MasterDataSet,
    Offer,
    Supplier,
)
from procureflow.errors import InvalidInput
from procureflow.evaluation.report import CaseFailure, FieldTally, KindReport, target
from procureflow.policies import evaluate_guardrails, load_default_policy
from procureflow.runtime.disruption_baselines import delayed_deliveries
from procureflow.runtime.disruption_planning import (
    PlanningContext,
    assess,
    choose_plan,
    run_compliance,
    run_sourcing,
)

FIELDS = (
    "escalated",
    "chosen_suppliers",
    "chosen_modes",
    "in_time",
    "excluded",
    "damages",
    "data_gaps",
    "incumbent_passed",
    "guard",
)
_ROUTE_REASONS = ("no lane leaves", "no lane arrives", "no chain of lanes")


def master_data_of(raw: Mapping[str, Any]) -> MasterDataSet:
    """The case's master data; records as the importer would build them."""
    return MasterDataSet(
        suppliers=[Supplier.model_validate(r) for r in raw.get("suppliers", [])],
        items=[Item.model_validate(r) for r in raw.get("items", [])],
        offers=[Offer.model_validate(r) for r in raw.get("offers", [])],
        contracts=[Contract.model_validate(r) for r in raw.get("contracts", [])],
        lanes=[Lane.model_validate(r) for r in raw.get("lanes", [])],
        fx_rates=[FxRate.model_validate(r) for r in raw.get("fx", [])],
    )


def _orders(raw: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    orders = []
    for po in raw:
        lines = [{"line_id": str(n), **line} for n, line in enumerate(po.get("lines", []), start=1)]
        total = sum((Decimal(x["quantity"]) * Decimal(x["unit_price"]) for x in lines), Decimal(0))
        orders.append({"payment_terms": "net 30", **po, "lines": lines, "total": str(total)})
    return orders


def decide_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """Run one case through the playbook's planning path; the decision's fields."""
    master = master_data_of(case["master"])
    ctx = PlanningContext(
        master,
        load_default_policy(),
        case.get("plant", "DEHAM"),
        case.get("base_currency", "EUR"),
    )
    notice = notice_from_event("supplier.delay_notice", case["notice"])
    reading = RiskMonitorAgent(master).decide(
        RiskMonitorInput(notice=notice, message_id=case["name"], as_of=case["as_of"])
    )
    assessment = assess(reading)
    orders = _orders(case.get("orders", []))
    delayed = delayed_deliveries(assessment, orders)
    sourcing = run_sourcing(ctx, assessment)
    compliance = run_compliance(
        ctx,
        assessment,
        Decimal(delayed["value"]) if delayed else None,
        delayed["currency"] if delayed else None,
    )
    proposal = choose_plan(ctx, assessment, sourcing, compliance, [], orders)
    excluded: dict[str, set[str]] = {}
    for result in compliance.get("vetting") or []:
        for exclusion in result["exclusions"]:
            excluded.setdefault(result["supplier_id"], set()).add(exclusion["code"])
    for rejected in sourcing.get("rejected_offers") or []:
        if rejected["reason"].startswith("no FX rate"):
            excluded.setdefault(rejected["supplier_id"], set()).add("no-fx-rate")
        elif rejected["reason"].startswith(_ROUTE_REASONS):
            excluded.setdefault(rejected["supplier_id"], set()).add("no-route")
    offered = {o.supplier_id for o in master.offers if o.sku in assessment["skus"]}
    incumbent = compliance.get("incumbent")
    damages = compliance.get("damages")
    decision: dict[str, Any] = {
        "escalated": not proposal["found"],
        "excluded": {s: sorted(c) for s, c in sorted(excluded.items()) if s in offered},
        "damages": (
            f"{damages['basis']} {damages['amount']['amount']} {damages['amount']['currency']}"
            if damages
            else None
        ),
        "data_gaps": sorted({f"{g['kind']}:{g['key']}" for g in proposal.get("data_gaps", [])}),
        "incumbent_passed": incumbent["passed"] if incumbent else None,
        "chosen_suppliers": None,
        "chosen_modes": None,
        "in_time": None,
        "guard": None,
    }
    if proposal["found"]:
        allocations = proposal["plan"]["allocations"]
        decision["chosen_suppliers"] = sorted({a["supplier_id"] for a in allocations})
        decision["chosen_modes"] = sorted({m for a in allocations for m in a["route_modes"]})
        decision["in_time"] = all(a["days_late"] == 0 for a in allocations)
        decision["guard"] = str(evaluate_guardrails(ctx.policy, proposal["facts"]).outcome.value)
        decision["reasoning"] = proposal["reasoning"]
    return decision


def load_cases(folder: Path) -> list[dict[str, Any]]:
    """Every ``*.json`` case in ``folder``, by file name."""
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise InvalidInput(f"no plan cases (*.json) in {folder}")
    cases = []
    for path in paths:
        case = json.loads(path.read_text("utf-8"))
        case.setdefault("name", path.stem)
        cases.append(case)
    return cases


def evaluate(folder: Path) -> KindReport:
    """Score every case in ``folder``; the target is every plan right."""
    tally = FieldTally()
    failures: list[CaseFailure] = []
    right = 0
    cases = load_cases(folder)
    for case in cases:
        expected = case["expected"]
        actual = decide_case(case)
        ok = True
        for field in FIELDS:
            if field not in expected:
                continue
            if not tally.compare(field, expected[field], actual[field]):
                ok = False
                failures.append(
                    CaseFailure(
                        case=case["name"],
                        field=field,
                        expected=expected[field],
                        actual=actual[field],
                    )
                )
        right += ok
    return KindReport(
        kind="plans",
        cases=len(cases),
        fields=tally.scores(),
        targets=[target("plans right", right / len(cases), 1.0)],
        failures=failures,
    )


__all__ = ["FIELDS", "decide_case", "evaluate", "load_cases", "master_data_of"]
