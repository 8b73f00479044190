"""Why a SKU cannot be fully covered: relaxation tests on the sourcing constraints.

The MILP's constraints are per offer, so the most a SKU can get is exact and cheap to
compute: the sum of the capacity-to-need-date of every offer that is approved, on time
and able to make its MOQ. Each test drops one or more of those constraints and asks
whether the demand would then be met; the smallest sets of dropped constraints that
would restore full coverage are the binding ones:

* ``capacity`` — eligible suppliers cannot make enough by the need date;
* ``need_date`` — offers exist that would arrive too late;
* ``min_order_qty`` — an offer's MOQ is more than it can make by the need date;
* ``approved_supplier`` — only unapproved (or vetting-excluded) suppliers offer more;
* ``no_approved_supplier`` — every offer comes from an unapproved or excluded supplier;
* ``no_offer`` — nobody offers the SKU at all (not relaxable).
"""

from __future__ import annotations

from itertools import combinations

from pydantic import BaseModel, ConfigDict

from procureflow.domain.sourcing_model import PreparedOffer, SkuDemand

RELAXABLE = ("capacity", "need_date", "min_order_qty", "approved_supplier")
_UNLIMITED = 10**15


class BindingConstraint(BaseModel):
    """A constraint that stops the demand being met, with the figures behind it."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str


def max_coverage(
    offers: list[PreparedOffer], excluded: frozenset[str], relaxed: frozenset[str]
) -> int:
    """Most units the SKU's ``offers`` can supply with the ``relaxed`` constraints dropped.

    The routes of one offer share its capacity: an offer counts once, by its route that
    arrives soonest.
    """
    total = 0
    for prepared in _one_route_per_offer(offers):
        offer = prepared.offer
        allowed = offer.approved and offer.supplier_id not in excluded
        if not allowed and "approved_supplier" not in relaxed:
            continue
        if not prepared.meets_need_date and "need_date" not in relaxed:
            continue
        if "capacity" in relaxed:
            return _UNLIMITED
        if prepared.window_capacity < 1:
            continue
        if not prepared.usable_capacity and "min_order_qty" not in relaxed:
            continue
        total += prepared.window_capacity
    return total


def _one_route_per_offer(offers: list[PreparedOffer]) -> list[PreparedOffer]:
    fastest: dict[tuple[str, str], PreparedOffer] = {}
    for prepared in offers:
        key = (prepared.offer.supplier_id, prepared.offer.sku)
        if key not in fastest or prepared.arrival_days < fastest[key].arrival_days:
            fastest[key] = prepared
    return list(fastest.values())


def _describe(
    code: str, demand: SkuDemand, offers: list[PreparedOffer], excluded: frozenset[str]
) -> str:
    offers = _one_route_per_offer(offers)
    allowed = [o for o in offers if o.offer.approved and o.offer.supplier_id not in excluded]
    if code == "capacity":
        can = max_coverage(offers, excluded, frozenset())
        return (
            f"capacity: eligible suppliers can make {can} of {demand.quantity} units "
            f"by {demand.need_by.isoformat()}"
        )
    if code == "need_date":
        late = sorted(
            (o for o in allowed if not o.meets_need_date), key=lambda o: o.offer.supplier_id
        )
        names = ", ".join(f"{o.offer.supplier_id} ({o.arrival_days} days)" for o in late)
        days = offers[0].deadline_days if offers else 0
        return f"need date: {names or 'offers'} arrive later than the {days} days to {demand.need_by.isoformat()}"
    if code == "min_order_qty":
        small = [o for o in allowed if o.meets_need_date and not o.usable_capacity]
        names = ", ".join(
            f"{o.offer.supplier_id} (MOQ {o.offer.min_order_qty}, can make {o.window_capacity})"
            for o in small
        )
        return f"minimum order quantity: {names} cannot reach the MOQ by the need date"
    names = ", ".join(sorted({o.offer.supplier_id for o in offers if o not in allowed}))
    if not allowed:
        return f"no approved supplier: {demand.sku} is offered only by {names}"
    return f"approved suppliers: more is offered only by unapproved or excluded {names}"


def binding_constraints(
    demand: SkuDemand, offers: list[PreparedOffer], excluded: frozenset[str]
) -> list[BindingConstraint]:
    """The smallest sets of constraints whose relaxation would cover ``demand``."""
    if not offers:
        return [BindingConstraint(code="no_offer", message=f"no supplier offers {demand.sku}")]
    if max_coverage(offers, excluded, frozenset()) >= demand.quantity:
        return []
    days = offers[0].deadline_days
    if days <= 0:
        return [
            BindingConstraint(
                code="need_date",
                message=(
                    f"need date: {demand.need_by.isoformat()} leaves no time to produce or ship "
                    f"({days} days from today)"
                ),
            )
        ]
    if not any(o.offer.approved and o.offer.supplier_id not in excluded for o in offers):
        return [
            BindingConstraint(
                code="no_approved_supplier",
                message=_describe("approved_supplier", demand, offers, excluded),
            )
        ]
    for size in range(1, len(RELAXABLE) + 1):
        found = [
            combo
            for combo in combinations(RELAXABLE, size)
            if max_coverage(offers, excluded, frozenset(combo)) >= demand.quantity
        ]
        if found:
            codes = sorted({code for combo in found for code in combo}, key=RELAXABLE.index)
            return [
                BindingConstraint(code=code, message=_describe(code, demand, offers, excluded))
                for code in codes
            ]
    return [
        BindingConstraint(code="capacity", message=_describe("capacity", demand, offers, excluded))
    ]


__all__ = ["RELAXABLE", "BindingConstraint", "binding_constraints", "max_coverage"]
