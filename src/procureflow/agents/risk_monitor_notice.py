"""Portal notices for the Risk Monitor: a supplier's structured ``supplier.*`` CloudEvent
read like a mail, minus the text — the fields are given, and checked against master data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from procureflow.agents.risk_monitor_llm import Reading
from procureflow.agents.risk_monitor_models import (
    ItemReference,
    MailClass,
    PriceChangeFacts,
    SupplierNotice,
)
from procureflow.domain.master import MasterDataSet
from procureflow.errors import EventInvalid

EVENT_TYPES: dict[str, MailClass] = {
    "supplier.delay_notice": "delay_notice",
    "supplier.price_changed": "price_change",
}
"""CloudEvent types the Risk Monitor reads as notices; any other ``supplier.*`` is other."""


def notice_from_event(event_type: str, data: Mapping[str, Any] | None) -> SupplierNotice:
    """The notice a portal CloudEvent carries; ``sku``/``po_number`` may be given singly."""
    fields = dict(data or {})
    for single, many in (("sku", "skus"), ("po_number", "po_numbers")):
        if single in fields and many not in fields:
            fields[many] = [fields.pop(single)]
    fields["type"] = EVENT_TYPES.get(event_type, "other")
    try:
        return SupplierNotice.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "data"
        raise EventInvalid(f"{event_type} data.{where}: {first['msg']}") from None


def describe_notice(notice: SupplierNotice) -> str:
    """One line saying what the notice states, used as its evidence."""
    parts = [f"portal notice {notice.type} from {notice.supplier_id}"]
    if notice.skus:
        parts.append(f"items {', '.join(notice.skus)}")
    if notice.po_numbers:
        parts.append(f"orders {', '.join(notice.po_numbers)}")
    if notice.delay_days is not None:
        parts.append(f"{notice.delay_days} days late")
    if notice.new_date:
        parts.append(f"new date {notice.new_date}")
    if notice.original_date:
        parts.append(f"original date {notice.original_date}")
    if notice.price_change_pct is not None:
        parts.append(f"price change {notice.price_change_pct}%")
    return "; ".join(parts)


def reading_from_notice(notice: SupplierNotice, master: MasterDataSet) -> Reading:
    """The notice as a reading; SKUs the item master lacks go to ``unknown_skus``."""
    items: list[ItemReference] = []
    unknown: list[str] = []
    for code in notice.skus:
        item = master.item(code.strip())
        if item is None:
            unknown.append(code)
        elif all(i.sku != item.sku for i in items):
            items.append(
                ItemReference(
                    sku=item.sku,
                    description=item.description,
                    critical=item.critical,
                    match="exact",
                    score=100.0,
                    matched_text=code,
                )
            )
    price = (
        PriceChangeFacts(percent=notice.price_change_pct, effective_date=notice.effective_date)
        if notice.type == "price_change"
        else None
    )
    return Reading(
        classification=notice.type,
        extraction="portal",
        evidence_lines=[describe_notice(notice)],
        items=items,
        po_numbers=[p.strip().upper() for p in notice.po_numbers if p.strip()],
        duration_days=notice.delay_days,
        duration_text=f"{notice.delay_days} days" if notice.delay_days is not None else None,
        original_date=notice.original_date,
        new_date=notice.new_date,
        reason=notice.reason,
        force_majeure=notice.force_majeure,
        price_change=price,
        unknown_skus=unknown,
    )


__all__ = ["EVENT_TYPES", "describe_notice", "notice_from_event", "reading_from_notice"]
