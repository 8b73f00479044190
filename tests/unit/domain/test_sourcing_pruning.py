"""The bound test only drops offers no optimal plan uses: same optimum, smaller model."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from procureflow.agents.solvers.highs import solve_with_highs
from procureflow.domain import sourcing_model
from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.sourcing_model import (
    ObjectiveWeights,
    SkuDemand,
    SourcingOffer,
    SourcingProblem,
    formulate,
)
from procureflow.domain.sourcing_plans import solve_plan
from procureflow.domain.sourcing_pruning import BoundOffer, greedy_upper_bound, prunable

AS_OF = date(2026, 1, 5)


def random_problem(seed: int) -> SourcingProblem:
    rng = random.Random(seed)
    demands = [
        SkuDemand(
            sku=f"K{k}",
            quantity=rng.randint(50, 3000),
            need_by=AS_OF + timedelta(days=rng.randint(14, 60)),
        )
        for k in range(4)
    ]
    offers = [
        SourcingOffer(
            supplier_id=f"S{s}",
            sku=f"K{k}",
            unit_price=Decimal(rng.randint(100, 900)) / 10,
            currency="EUR",
            lead_time_days=rng.randint(3, 40),
            capacity_per_week=Decimal(rng.randint(20, 400)),
            min_order_qty=rng.choice([0, 50, 200, 600, 1500]),
            co2e_kg_per_unit=Decimal(rng.randint(1, 50)) / 10,
            risk_score=rng.random(),
        )
        for s in range(25)
        for k in range(4)
    ]
    weights = ObjectiveWeights(cost=0.5, carbon=0.3, risk=0.2)
    return SourcingProblem(
        demands=demands, offers=offers, weights=weights, as_of=AS_OF, fx=FxTable("EUR", {})
    )


@pytest.mark.parametrize("seed", range(12))
def test_pruning_keeps_the_optimum(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    problem = random_problem(seed)
    offers = problem.prepared()
    pruned_plan = solve_plan(problem, offers, frozenset(), solve_with_highs, rank=1)
    monkeypatch.setattr(sourcing_model, "prunable", lambda o, d, p: [False] * len(o))
    full_plan = solve_plan(problem, offers, frozenset(), solve_with_highs, rank=1)
    assert pruned_plan.objective == pytest.approx(full_plan.objective, rel=1e-9, abs=1e-9)
    assert [s.shortfall for s in pruned_plan.shortfalls] == [
        s.shortfall for s in full_plan.shortfalls
    ]


def test_pruning_makes_the_model_smaller() -> None:
    problem = random_problem(1)
    blocks = formulate(problem, problem.prepared(), frozenset())
    assert sum(block.pruned_offers for block in blocks) > 0


def test_pruning_drops_offers_far_above_the_marginal_one() -> None:
    offers = [BoundOffer(1.0, 1000, 0), BoundOffer(2.0, 1000, 0), BoundOffer(9.0, 1000, 0)]
    assert prunable(offers, 1500, penalty=100.0) == [False, False, True]


def test_pruning_keeps_a_dear_offer_a_minimum_order_makes_necessary() -> None:
    # The cheap offer's MOQ (600) overshoots a demand of 100: the dear one is the optimum.
    offers = [BoundOffer(1.0, 1000, 600), BoundOffer(5.0, 1000, 0)]
    assert greedy_upper_bound(offers, 100, penalty=100.0) == pytest.approx(500.0)
    assert prunable(offers, 100, penalty=100.0) == [True, False]
