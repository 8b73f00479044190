"""Contract terms from an OCDS (Open Contracting Data Standard) release package.

Each release tagged ``contract`` yields one :class:`ContractTerms` per contract that is
active or signed: buyer and supplier (from the award the contract points to and the
release's parties), value, period, items (quantity and unit value), milestones with a
value, and the signature date. Evidence is the JSON pointer of each value. OCDS has no
field for payment terms, so the caller's default terms are used and said so.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from procureflow.documents.contract_terms.model import (
    ContractTerms,
    ContractValue,
    DateTerm,
    Evidence,
    ItemTerm,
    MilestoneTerm,
    Party,
    PaymentTermsTerm,
)
from procureflow.domain.canonical import digest
from procureflow.domain.currency_codes import require_iso_currency
from procureflow.domain.payment_terms import parse_payment_terms
from procureflow.domain.text_checks import bad_text_in
from procureflow.errors import DocumentRejected, InvalidInput

MAX_OCDS_BYTES = 20 * 1024 * 1024


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _party(parties: list[dict[str, Any]], ref: dict[str, Any], role: str, where: str) -> Party:
    found = next((p for p in parties if p.get("id") == ref.get("id")), {})
    name = (found.get("identifier") or {}).get("legalName") or ref.get("name") or found.get("name")
    if not name:
        raise InvalidInput(f"{where}: the {role} has no name")
    return Party(
        role=role,
        name=str(name),
        evidence=Evidence(location=where, text=str(ref.get("name") or name)),
        tax_id=None,
    )


def _money(value: Any, where: str) -> tuple[Decimal, str]:
    if not isinstance(value, dict) or "amount" not in value:
        raise InvalidInput(f"{where}: value needs an amount and a currency")
    currency = require_iso_currency(str(value.get("currency") or ""), field=f"{where} currency")
    return Decimal(str(value["amount"])), currency


def _contract_terms(
    release: dict[str, Any], contract: dict[str, Any], where: str, name: str, payment_terms: str
) -> ContractTerms:
    parties = release.get("parties") or []
    award: dict[str, Any] = next(
        (a for a in release.get("awards") or [] if a.get("id") == contract.get("awardID")), {}
    )
    suppliers = award.get("suppliers") or []
    if not suppliers:
        raise InvalidInput(f"{where}: the contract's award names no supplier")
    amount, currency = _money(contract.get("value") or award.get("value"), f"{where}/value")
    period = contract.get("period") or {}
    items: list[ItemTerm] = []
    for index, item in enumerate(contract.get("items") or []):
        unit_value = (item.get("unit") or {}).get("value")
        if not unit_value or item.get("quantity") is None:
            continue
        price, _ = _money(unit_value, f"{where}/items/{index}/unit/value")
        items.append(
            ItemTerm(
                line_id=str(index + 1),
                sku=str(item.get("id")) if item.get("id") is not None else None,
                description=str(item.get("description") or f"item {index + 1}"),
                quantity=Decimal(str(item["quantity"])),
                unit_price=price,
                evidence=Evidence(
                    location=f"{where}/items/{index}", text=str(item.get("description", ""))
                ),
            )
        )
    milestones: list[MilestoneTerm] = []
    for index, m in enumerate(contract.get("milestones") or []):
        if not m.get("value"):
            continue
        value, _ = _money(m["value"], f"{where}/milestones/{index}/value")
        milestones.append(
            MilestoneTerm(
                milestone_id=f"M{len(milestones) + 1}",
                name=str(m.get("title") or m.get("id") or f"milestone {index + 1}"),
                due_date=_day(m.get("dueDate")),
                amount=value,
                evidence=Evidence(
                    location=f"{where}/milestones/{index}", text=str(m.get("title", ""))
                ),
            )
        )
    terms = parse_payment_terms(payment_terms)
    source_id = f"{release.get('ocid', '')}/{contract.get('id', '')}"
    return ContractTerms(
        source=f"{name}#{source_id}",
        source_sha256=digest({"ocds": source_id, "contract": contract})[:64],
        title=contract.get("title"),
        contract_number=str(contract.get("id") or "")[:100] or None,
        category=None,
        buyer=_party(parties, release.get("buyer") or {}, "buyer", "/buyer"),
        supplier=_party(parties, suppliers[0], "supplier", f"{where}/award/suppliers/0"),
        value=ContractValue(
            amount=amount,
            currency=currency,
            evidence=Evidence(location=f"{where}/value", text=str(amount)),
        ),
        effective_date=(
            DateTerm(
                value=d,
                evidence=Evidence(location=f"{where}/period/startDate", text=period["startDate"]),
            )
            if (d := _day(period.get("startDate")))
            else None
        ),
        end_date=(
            DateTerm(
                value=d,
                evidence=Evidence(location=f"{where}/period/endDate", text=period["endDate"]),
            )
            if (d := _day(period.get("endDate")))
            else None
        ),
        payment_terms=PaymentTermsTerm(
            net_days=terms.net_days,
            discount_pct=terms.discount_pct,
            discount_days=terms.discount_days,
            notation=terms.describe(),
            evidence=Evidence(
                location="default", text=f"OCDS states no payment terms; {payment_terms} applied"
            ),
        ),
        items=tuple(items),
        milestones=tuple(milestones),
        extracted_by="ocds",
        missing=("liquidated_damages", "certifications"),
    )


def contracts_from_ocds(
    data: bytes, name: str, *, payment_terms: str = "net 30"
) -> list[ContractTerms]:
    """Every active or signed contract in an OCDS release package (or a single release).

    DocumentRejected names the file and what is wrong (not JSON, no contract release,
    a contract without supplier or value, an unknown currency).
    """
    if len(data) > MAX_OCDS_BYTES:
        raise DocumentRejected(f"file is above the limit of {MAX_OCDS_BYTES} bytes", subject=name)
    try:
        package = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentRejected(f"not JSON: {exc}", subject=name) from exc
    except RecursionError:
        raise DocumentRejected("nested too deeply to be an OCDS release", subject=name) from None
    for path, problem in bad_text_in(package):  # its texts are stored as text
        pointer = "/" + "/".join(str(part) for part in path)
        raise DocumentRejected(f"{pointer} {problem}", subject=name)
    if not isinstance(package, dict):
        raise DocumentRejected("not an OCDS release package", subject=name)
    releases = package.get("releases") if "releases" in package else [package]
    found: list[ContractTerms] = []
    try:
        for r_index, release in enumerate(releases or []):
            if "contract" not in (release.get("tag") or []):
                continue
            for c_index, contract in enumerate(release.get("contracts") or []):
                if contract.get("status") not in ("active", "terminated") and not contract.get(
                    "dateSigned"
                ):
                    continue
                where = f"/releases/{r_index}/contracts/{c_index}"
                found.append(_contract_terms(release, contract, where, name, payment_terms))
    except InvalidInput as exc:
        raise DocumentRejected(exc.message, subject=name) from exc
    if not found:
        raise DocumentRejected(
            "no signed contract in this OCDS data (no release tagged 'contract')", subject=name
        )
    return found


__all__ = ["contracts_from_ocds"]
