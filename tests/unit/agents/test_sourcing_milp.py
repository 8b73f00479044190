"""Sourcing MILP: hand-checked optima, ranked fallbacks, weights, binding constraints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from procureflow.agents.sourcing import SourcingAgent, SourcingInput, SourcingOutput
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput

AS_OF = date(2026, 1, 1)
NEED = date(2026, 3, 1)  # 59 days ahead


def supplier(sid: str, **extra: Any) -> dict[str, Any]:
    return {"supplier_id": sid, "approved": True, "esg_score": 80, "altman_z": 3.5, **extra}


def offer(sid: str, price: str, currency: str = "EUR", **extra: Any) -> dict[str, Any]:
    return {
        "supplier_id": sid,
        "sku": "MTR",
        "unit_price": price,
        "currency": currency,
        "lead_time_days": 10,
        "capacity_per_week": 500,
        "min_order_qty": 0,
        **extra,
    }


def decide(
    offers: list[dict[str, Any]],
    suppliers: list[dict[str, Any]] | None = None,
    quantity: int = 1000,
    **extra: Any,
) -> SourcingOutput:
    ids = sorted({o["supplier_id"] for o in offers})
    data = SourcingInput.model_validate(
        {
            "demands": [{"sku": "MTR", "quantity": quantity, "need_by": NEED}],
            "as_of": AS_OF,
            "suppliers": suppliers if suppliers is not None else [supplier(s) for s in ids],
            "offers": offers,
            "fx_rates": {"USD": "0.9"},
            **extra,
        }
    )
    return SourcingAgent().decide(data)


def split(output: SourcingOutput, rank: int = 1) -> dict[str, int]:
    plan = output.plans[rank - 1]
    return {a.supplier_id: a.quantity for a in plan.allocations}


# S1 is cheapest but can make only ⌊100 × 59 / 7⌋ = 842 by the need date; S2 (12 USD =
# 10.80 EUR) has a minimum order of 300; S3 is dearest. Hand-checked optimum:
#   S1 700 + S2 300 = 7,000 + 3,240 = 10,240 EUR   (S1 842 + S3 158 = 10,474; S2 1000 = 10,800)
MOQ_CASE = [
    offer("S1", "10", capacity_per_week=100),
    offer("S2", "12", "USD", min_order_qty=300),
    offer("S3", "13"),
]


def test_hand_checked_optimum_respects_capacity_and_minimum_order() -> None:
    output = decide(MOQ_CASE)
    assert split(output) == {"S1": 700, "S2": 300}
    assert output.plans[0].cost == Money.of("10240.00", "EUR")
    assert output.fully_covered


def test_fallback_plans_drop_the_previous_main_supplier() -> None:
    output = decide(MOQ_CASE)
    assert [p.main_supplier for p in output.plans] == ["S1", "S2", "S3"]
    assert split(output, 2) == {"S2": 1000}
    assert output.plans[1].cost == Money.of("10800.00", "EUR")
    assert split(output, 3) == {"S3": 1000}
    assert output.plans[2].excluded_suppliers == ["S1", "S2"]
    assert output.plans[0].objective <= output.plans[1].objective <= output.plans[2].objective


def test_weights_from_the_mandate_change_the_choice() -> None:
    offers = [
        offer("CHEAP", "10", co2e_kg_per_unit="8"),
        offer("GREEN", "11", co2e_kg_per_unit="2"),
    ]
    assert split(decide(offers, weights={"cost": 1})) == {"CHEAP": 1000}
    assert split(decide(offers, weights={"carbon": 1})) == {"GREEN": 1000}
    shaky = [supplier("CHEAP", esg_score=20, altman_z=1.2), supplier("GREEN")]
    assert split(decide(offers, shaky, weights={"cost": 0.3, "risk": 0.7})) == {"GREEN": 1000}


def test_offer_arriving_after_the_need_date_is_not_used() -> None:
    offers = [offer("LATE", "5", lead_time_days=70), offer("ONTIME", "9")]
    output = decide(offers)
    assert split(output) == {"ONTIME": 1000}
    late = [r for r in output.rejected_offers if r.supplier_id == "LATE"]
    assert "after the need date" in late[0].reason


def test_capacity_binds_and_the_shortfall_is_reported() -> None:
    output = decide([offer("S1", "10", capacity_per_week=70)])  # ⌊70 × 59 / 7⌋ = 590
    plan = output.plans[0]
    assert not output.fully_covered
    assert split(output) == {"S1": 590}
    (short,) = plan.shortfalls
    assert short.shortfall == 410
    assert [b.code for b in short.binding] == ["capacity"]
    assert "590 of 1000" in short.binding[0].message
    assert not next(
        g for g in output.decision.guardrails if g.name == "demand fully covered"
    ).passed


def test_need_date_binds_when_only_late_offers_could_cover() -> None:
    offers = [offer("SLOW", "9", lead_time_days=80)]
    short = decide(offers).plans[0].shortfalls[0]
    assert [b.code for b in short.binding] == ["need_date"]
    assert "SLOW (80 days)" in short.binding[0].message


def test_every_single_relaxation_that_would_cover_is_reported() -> None:
    # FAST could cover with more capacity, SLOW with a later need date: both bind.
    offers = [offer("FAST", "10", capacity_per_week=50), offer("SLOW", "9", lead_time_days=80)]
    short = decide(offers).plans[0].shortfalls[0]
    assert [b.code for b in short.binding] == ["capacity", "need_date"]


def test_minimum_order_quantity_binds_when_it_exceeds_what_can_be_made() -> None:
    offers = [
        offer("S1", "10", capacity_per_week=50),  # 421 by the need date
        offer("S2", "10", capacity_per_week=100, min_order_qty=900),  # 842 < 900
    ]
    short = decide(offers).plans[0].shortfalls[0]
    codes = [b.code for b in short.binding]
    assert "min_order_qty" in codes
    assert "MOQ 900, can make 842" in next(
        b.message for b in short.binding if b.code == "min_order_qty"
    )


def test_no_approved_supplier_is_named_as_the_reason() -> None:
    output = decide([offer("ROGUE", "8")], [supplier("ROGUE", approved=False)])
    (short,) = output.plans[0].shortfalls
    assert short.covered == 0
    assert [b.code for b in short.binding] == ["no_approved_supplier"]
    assert "ROGUE" in short.binding[0].message


def test_excluded_supplier_is_never_used() -> None:
    output = decide(MOQ_CASE, exclude_suppliers=["S1"])
    assert "S1" not in split(output)
    guard = next(g for g in output.decision.guardrails if g.name == "excluded suppliers not used")
    assert guard.passed


def test_decision_carries_plans_with_scores_rejections_and_guardrails() -> None:
    output = decide([*MOQ_CASE, offer("LATE", "1", lead_time_days=90)])
    decision = output.decision
    assert decision.agent == "sourcing"
    assert decision.choice.startswith("plan 1: S1 700 × MTR, S2 300 × MTR")
    plans = [a for a in decision.alternatives if a.score is not None]
    assert [a.details["rank"] for a in plans] == [1, 2, 3]
    assert [a.rejected_because is not None for a in decision.alternatives].count(True) == 1
    assert {g.name for g in decision.guardrails} >= {
        "only approved suppliers",
        "need date met",
        "demand fully covered",
    }
    assert all(g.passed for g in decision.guardrails)


def test_price_increase_guardrail_flags_a_dear_plan() -> None:
    output = decide(
        [offer("S3", "13")],
        reference_unit_prices={"MTR": Decimal("10")},
        max_price_increase_pct=Decimal("20"),
    )
    guard = next(g for g in output.decision.guardrails if g.name.startswith("unit price"))
    assert not guard.passed
    assert "+30.0%" in guard.detail


LANES = [
    {
        "origin": "CNSZX",
        "destination": "DEHAM",
        "mode": "sea",
        "cost_per_kg": "0.40",
        "transit_days": 36,
        "distance_km": "19000",
    },
    {
        "origin": "CNSZX",
        "destination": "DEHAM",
        "mode": "air",
        "cost_per_kg": "4.00",
        "transit_days": 3,
        "distance_km": "9200",
    },
]


def test_a_faster_route_meets_the_need_date() -> None:
    suppliers = [supplier("FAR", location="CNSZX")]
    base = {"lanes": LANES, "plant_location": "DEHAM", "unit_weight_kg": {"MTR": "10"}}
    # lead 30 + sea 36 = 66 days > 59: late by sea, even though the mandate weighs only
    # cost; by air 30 + 3 = 33 days. Each offer × route is a candidate, so air is taken.
    for route_weights in ({"cost": 1}, {"time": 1}):
        output = decide(
            [offer("FAR", "10", lead_time_days=30)], suppliers, route_weights=route_weights, **base
        )
        assert split(output) == {"FAR": 1000}
        allocation = output.plans[0].allocations[0]
        assert allocation.transit_days == 3 and allocation.route_modes == ["air"]
        assert allocation.days_late == 0
        # freight 10 kg × 4.00 = 40 EUR per unit
        assert allocation.unit_cost == Money.of("50.00", "EUR")
        assert (
            allocation.co2e_kg == Decimal("0.010") * 9200 * Decimal("0.602") * allocation.quantity
        )


def test_the_cheaper_route_wins_when_both_are_in_time() -> None:
    suppliers = [supplier("FAR", location="CNSZX")]
    base = {"lanes": LANES, "plant_location": "DEHAM", "unit_weight_kg": {"MTR": "10"}}
    output = decide(
        [offer("FAR", "10", lead_time_days=5)], suppliers, route_weights={"cost": 1}, **base
    )
    allocation = output.plans[0].allocations[0]
    assert allocation.route_modes == ["sea"]  # 5 + 36 = 41 days ≤ 59: no need to fly


def test_agent_runs_on_plain_json_data() -> None:
    result = SourcingAgent().run(
        {
            "demands": [{"sku": "MTR", "quantity": 10, "need_by": "2026-03-01"}],
            "as_of": "2026-01-01",
            "suppliers": [supplier("S1")],
            "offers": [offer("S1", "2.50")],
        }
    )
    assert result["plans"][0]["cost"] == {"amount": "25.00", "currency": "EUR"}


def test_need_date_already_past_says_so() -> None:
    output = decide([offer("S1", "10")], as_of=date(2026, 3, 5))
    (short,) = output.plans[0].shortfalls
    assert [b.code for b in short.binding] == ["need_date"]
    assert "2026-03-01 leaves no time" in short.binding[0].message


def test_two_demand_lines_for_one_sku_are_refused() -> None:
    with pytest.raises(InvalidInput, match="SKU mtr is listed twice"):
        SourcingInput.model_validate(
            {
                "demands": [
                    {"sku": "MTR", "quantity": 1, "need_by": NEED},
                    {"sku": "mtr", "quantity": 2, "need_by": NEED},
                ],
                "as_of": AS_OF,
                "suppliers": [],
                "offers": [],
            }
        )


def test_an_offer_in_a_currency_without_rate_is_dropped_and_raised_not_fatal() -> None:
    output = decide([offer("S1", "1000", "JPY"), offer("S2", "12")])
    assert split(output) == {"S2": 1000}  # the plan goes on with the offers it can price
    rejected = {r.supplier_id: r.reason for r in output.rejected_offers}
    assert "no FX rate from JPY to EUR" in rejected["S1"]
    assert [(g.kind, g.key, g.dropped) for g in output.data_gaps] == [
        ("fx_rate", "JPY", "offer S1 for MTR")
    ]
    assert "Left out for missing reference data" in output.decision.rationale


def test_lead_time_bound_of_the_mandate_is_checked() -> None:
    output = decide([offer("S1", "10", lead_time_days=30)], max_lead_time_days=21)
    guard = next(g for g in output.decision.guardrails if g.name == "lead time within 21 days")
    assert not guard.passed
    assert "S1 MTR 30 days" in guard.detail


def test_when_nothing_is_in_time_the_less_late_option_wins_at_a_priced_penalty() -> None:
    # need date in 59 days; nobody arrives by then. Allowed until 50 days later: LATE
    # (10 EUR) lands 40 days late, SOON (10.50 EUR) 5 days late. Each day late costs
    # Σw × days late / 50 per unit, so 5 % more per unit buys 35 days.
    data = SourcingInput.model_validate(
        {
            "demands": [
                {"sku": "MTR", "quantity": 100, "need_by": NEED, "latest_by": "2026-04-20"}
            ],
            "as_of": AS_OF,
            "suppliers": [supplier("LATE"), supplier("SOON")],
            "offers": [
                offer("LATE", "10", lead_time_days=99),
                offer("SOON", "10.50", lead_time_days=64),
            ],
        }
    )
    output = SourcingAgent().decide(data)
    assert split(output) == {"SOON": 100}
    assert output.plans[0].allocations[0].days_late == 5
    assert "lateness penalty" in output.decision.rationale
    need_date = next(g for g in output.decision.guardrails if g.name == "need date met")
    assert not need_date.passed  # still late against the need date, and said so


def test_a_lane_at_an_unknown_place_is_left_out_not_fatal() -> None:
    lanes = [
        *LANES,
        {"origin": "XXQQQ", "destination": "DEHAM", "mode": "road", "cost_per_kg": "0.1",
         "transit_days": 2},
    ]  # fmt: skip
    output = decide(
        [offer("FAR", "10", lead_time_days=30)],
        [supplier("FAR", location="CNSZX")],
        lanes=lanes,
        plant_location="DEHAM",
        unit_weight_kg={"MTR": "10"},
    )
    assert split(output) == {"FAR": 1000}
    assert [(g.kind, g.key) for g in output.data_gaps] == [("locode", "XXQQQ")]
    assert "XXQQQ" in output.data_gaps[0].message
