"""Master-data tables: suppliers, items, offers, contracts, lanes, FX rates.

Decimals are stored as text so that no digit is lost on either dialect (SQLite has no
exact decimal type); columns a file carries beyond the documented ones go to ``extra``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.types import JSONValue, UTCDateTime


class DecimalText(sa.types.TypeDecorator[Decimal]):
    """An exact decimal kept as its text form (``"12.50"``), read back as ``Decimal``."""

    impl = sa.String(50)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, _dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, _dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("extra", JSONValue, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


suppliers = sa.Table(
    "pf_suppliers",
    metadata,
    sa.Column("supplier_id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("email_domains", JSONValue, nullable=False),
    sa.Column("location", sa.String(5), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("approved", sa.Boolean(), nullable=False),
    sa.Column("esg_score", DecimalText(), nullable=False),
    sa.Column("altman_z", DecimalText(), nullable=False),
    sa.Column("certifications", JSONValue, nullable=False),
    sa.Column("payment_terms", sa.String(100), nullable=False),
    *_stamps(),
)

items = sa.Table(
    "pf_items",
    metadata,
    sa.Column("sku", sa.String(100), primary_key=True),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("category", sa.String(200), nullable=False),
    sa.Column("critical", sa.Boolean(), nullable=False),
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("unit_weight_kg", DecimalText(), nullable=False),
    sa.Column("on_hand", DecimalText(), nullable=False),
    sa.Column("safety_stock", DecimalText(), nullable=False),
    sa.Column("daily_demand", DecimalText(), nullable=False),
    *_stamps(),
)

offers = sa.Table(
    "pf_offers",
    metadata,
    sa.Column("supplier_id", sa.String(100), primary_key=True),
    sa.Column("sku", sa.String(100), primary_key=True),
    sa.Column("unit_price", DecimalText(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("lead_time_days", sa.Integer(), nullable=False),
    sa.Column("capacity_per_week", DecimalText(), nullable=False),
    sa.Column("min_order_qty", DecimalText(), nullable=False),
    *_stamps(),
)

contracts = sa.Table(
    "pf_contracts",
    metadata,
    sa.Column("contract_id", sa.String(100), primary_key=True),
    sa.Column("supplier_id", sa.String(100), nullable=False, index=True),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("category", sa.String(200), nullable=False),
    sa.Column("value", DecimalText(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("start_date", sa.Date(), nullable=False),
    sa.Column("end_date", sa.Date(), nullable=False),
    sa.Column("payment_terms", sa.String(100), nullable=False),
    sa.Column("ld_rate_pct_per_week", DecimalText(), nullable=True),
    sa.Column("ld_cap_pct", DecimalText(), nullable=True),
    *_stamps(),
)

lanes = sa.Table(
    "pf_lanes",
    metadata,
    sa.Column("origin", sa.String(5), primary_key=True),
    sa.Column("destination", sa.String(5), primary_key=True),
    sa.Column("mode", sa.String(20), primary_key=True),
    sa.Column("cost_per_kg", DecimalText(), nullable=False),
    sa.Column("transit_days", sa.Integer(), nullable=False),
    sa.Column("co2e_kg_per_tkm", DecimalText(), nullable=True),
    *_stamps(),
)

fx_rates = sa.Table(
    "pf_fx_rates",
    metadata,
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("date", sa.Date(), primary_key=True),
    sa.Column("rate_to_base", DecimalText(), nullable=False),
    *_stamps(),
)

MASTER_TABLES: dict[str, sa.Table] = {
    "suppliers": suppliers,
    "items": items,
    "offers": offers,
    "contracts": contracts,
    "lanes": lanes,
    "fx": fx_rates,
}
"""Each master-data kind's table."""

__all__ = [
    "MASTER_TABLES",
    "DecimalText",
    "contracts",
    "fx_rates",
    "items",
    "lanes",
    "offers",
    "suppliers",
]
