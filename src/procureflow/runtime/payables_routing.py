"""How an amount is put to the approval matrix: the policy's matrix is written in the base
currency, so a foreign-currency PO or payment is converted with the master data's FX
rates; without a rate it goes to the CFO (and the request says why)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from procureflow.agents.disruption_inputs import fx_rates_on
from procureflow.domain.clock import utcnow
from procureflow.domain.currency_conversion import FxTable
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput
from procureflow.runtime.services import Services

NO_RATE_CHAIN = ["cfo"]


def approval_routing(svc: Services, amount: Decimal, currency: str) -> dict[str, Any]:
    """``{amount, chain, note}`` for ``procureflow.approval``: ``chain`` is empty when the
    matrix can route the (converted) amount."""
    base = svc.settings.base_currency
    money = Money(amount, currency)
    if currency == base:
        return {"amount": money.to_json(), "chain": [], "note": ""}
    from procureflow.adapters.db.master_repository import MasterDataRepository

    rates = fx_rates_on(MasterDataRepository(svc.engine).load(), utcnow().date())
    try:
        converted = FxTable(base, rates).to_base(money).rounded()
    except InvalidInput:
        return {
            "amount": money.to_json(),
            "chain": list(NO_RATE_CHAIN),
            "note": f"no {currency}→{base} rate in the master data: routed to the CFO",
        }
    return {
        "amount": converted.to_json(),
        "chain": [],
        "note": f"{money} is {converted} at the master data's rate",
    }


__all__ = ["NO_RATE_CHAIN", "approval_routing"]
