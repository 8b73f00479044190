"""Liquidated damages owed by a supplier for a late delivery.

The usual clause (e.g. "0.5 % per full week of delay, capped at 5 % of the value"):

    damages = value × rate % × full weeks of delay, at most value × cap %

* **Value (the basis).** The value of the delayed purchase order(s) when it is known —
  most clauses (ORGALIME S2012, many national model contracts) charge on "the part of the
  goods delayed" — otherwise the whole contract value. The result says which was used.
  The cap is a percentage of the same basis. The compliance agent only ever passes the
  delayed deliveries' value: without it, it computes nothing rather than charge the rate
  on goods that are not late.
* **Full weeks** only: 13 days of delay is 1 week; a part week counts for nothing.
* **Force majeure** suspends the obligation: nothing is owed, and the result says why.

All arithmetic is Decimal; the amount is rounded to the currency's minor unit once, at
the end.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from procureflow.domain.money import Money
from procureflow.errors import InvalidInput


class DamagesBasis(StrEnum):
    """What the rate and the cap are a percentage of."""

    DELAYED_PO_VALUE = "delayed_po_value"
    CONTRACT_VALUE = "contract_value"


class LiquidatedDamages(BaseModel):
    """The amount owed and how it was reached, for the decision record and the auditor."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    amount: Money
    basis: DamagesBasis
    basis_value: Money
    full_weeks: int
    rate_pct_per_week: Decimal
    cap_pct: Decimal
    uncapped: Money
    capped: bool
    force_majeure: bool
    explanation: str


def full_weeks_of_delay(delay_days: int) -> int:
    """Whole weeks in a delay: part weeks do not count."""
    if delay_days < 0:
        raise InvalidInput(f"delay must not be negative, got {delay_days} days")
    return delay_days // 7


def liquidated_damages(
    *,
    contract_value: Money,
    rate_pct_per_week: Decimal,
    cap_pct: Decimal,
    delay_days: int,
    force_majeure: bool = False,
    delayed_po_value: Money | None = None,
) -> LiquidatedDamages:
    """Damages owed for ``delay_days`` of delay under the clause ``rate``/``cap``.

    Uses the delayed PO value as basis when given, else the contract value; none is owed
    under force majeure.
    """
    if rate_pct_per_week < 0 or cap_pct < 0:
        raise InvalidInput("liquidated damages rate and cap must not be negative")
    if delayed_po_value is not None and delayed_po_value.currency != contract_value.currency:
        raise InvalidInput(
            f"delayed PO value is in {delayed_po_value.currency}, "
            f"the contract in {contract_value.currency}; convert first"
        )
    basis = (
        DamagesBasis.DELAYED_PO_VALUE
        if delayed_po_value is not None
        else DamagesBasis.CONTRACT_VALUE
    )
    basis_value = delayed_po_value if delayed_po_value is not None else contract_value
    weeks = full_weeks_of_delay(delay_days)
    hundred = Decimal(100)
    uncapped = Money(basis_value.amount * rate_pct_per_week * weeks / hundred, basis_value.currency)
    cap = Money(basis_value.amount * cap_pct / hundred, basis_value.currency)
    capped = uncapped.amount > cap.amount
    owed = cap if capped else uncapped
    zero = Money(Decimal(0), basis_value.currency)
    if force_majeure:
        explanation = (
            "force majeure declared: the delay is excused and no liquidated damages are owed"
        )
        owed, capped = zero, False
    elif weeks == 0:
        explanation = f"{delay_days} days of delay is less than one full week: nothing is owed"
    else:
        explanation = (
            f"{rate_pct_per_week}% × {weeks} full week(s) of {basis_value} "
            f"({basis.value.replace('_', ' ')}) = {uncapped}"
            + (f", capped at {cap_pct}% = {cap}" if capped else f"; cap {cap_pct}% not reached")
        )
    return LiquidatedDamages(
        amount=owed.rounded(),
        basis=basis,
        basis_value=basis_value,
        full_weeks=weeks,
        rate_pct_per_week=rate_pct_per_week,
        cap_pct=cap_pct,
        uncapped=uncapped,
        capped=capped,
        force_majeure=force_majeure,
        explanation=explanation,
    )


__all__ = ["DamagesBasis", "LiquidatedDamages", "full_weeks_of_delay", "liquidated_damages"]
