"""Safe pruning of offers that cannot be in an optimal sourcing plan (bound test).

For one SKU with demand ``D``, per-unit objective coefficients ``c``, capacities ``C``
and minimum order quantities ``m``:

* **Lower bound** ``LB(d)``: the cheapest way to cover ``d`` units when MOQs are ignored
  — fill the cheapest offers first (a fractional knapsack, with the shortfall as the
  last "offer" at its penalty). ``LB`` is convex and piecewise linear.
* **Upper bound** ``UB``: the cost of a feasible plan found greedily (cheapest first,
  skipping offers whose MOQ would overshoot; the rest by the cheapest single offer
  able to take it whole, or as shortfall).
* An offer used at all takes ``t ≥ max(m, 1)`` units, so any plan using it costs at
  least ``f(t) = c·t + LB(D − t)``. ``f`` is convex; when its slope at ``t = max(m, 1)``
  is not negative (``c`` ≥ the marginal cost of ``LB`` at ``D − t``) its minimum is
  ``f(max(m, 1))``. If that exceeds ``UB``, no optimal plan uses the offer and it is
  left out of the model — the optimum is unchanged, the model smaller.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class BoundOffer:
    """The figures pruning needs about one offer."""

    coefficient: float
    capacity: int
    min_order_qty: int


class _LowerBound:
    """``LB(d)`` and its marginal cost, from offers sorted by coefficient."""

    def __init__(self, offers: Sequence[BoundOffer], demand: int, penalty: float) -> None:
        ordered = sorted(offers, key=lambda o: o.coefficient)
        self.costs = [o.coefficient for o in ordered] + [penalty]
        caps = [float(o.capacity) for o in ordered] + [float(demand)]
        self.levels = list(accumulate(caps))  # cumulative units after each step
        self.values = list(accumulate(c * q for c, q in zip(self.costs, caps, strict=True)))

    def value(self, units: float) -> float:
        if units <= 0:
            return 0.0
        i = min(bisect_left(self.levels, units), len(self.levels) - 1)
        before_level = self.levels[i - 1] if i else 0.0
        before_value = self.values[i - 1] if i else 0.0
        return before_value + self.costs[i] * (units - before_level)

    def marginal(self, units: float) -> float:
        if units <= 0:
            return 0.0
        return self.costs[min(bisect_left(self.levels, units), len(self.levels) - 1)]


def greedy_upper_bound(offers: Sequence[BoundOffer], demand: int, penalty: float) -> float:
    """Cost of a feasible plan: cheapest first within MOQs, the rest as well as possible."""
    remaining = demand
    cost = 0.0
    unused: list[BoundOffer] = []
    for offer in sorted(offers, key=lambda o: o.coefficient):
        take = min(offer.capacity, remaining)
        if remaining > 0 and take >= max(offer.min_order_qty, 1):
            cost += offer.coefficient * take
            remaining -= take
        else:
            unused.append(offer)
    if remaining > 0:
        whole = [
            o.coefficient * max(o.min_order_qty, remaining)
            for o in unused
            if o.capacity >= max(o.min_order_qty, remaining)
        ]
        cost += min([penalty * remaining, *whole])
    return cost


def prunable(offers: Sequence[BoundOffer], demand: int, penalty: float) -> list[bool]:
    """For each offer, True when no optimal plan can use it (see module docstring)."""
    lower = _LowerBound(offers, demand, penalty)
    upper = greedy_upper_bound(offers, demand, penalty)
    limit = upper + _TOLERANCE * max(1.0, abs(upper))
    result = []
    for offer in offers:
        least = max(offer.min_order_qty, 1)
        rest = demand - least
        rising = offer.coefficient >= lower.marginal(rest)
        bound = offer.coefficient * least + lower.value(rest)
        result.append(rising and bound > limit)
    return result


__all__ = ["BoundOffer", "greedy_upper_bound", "prunable"]
