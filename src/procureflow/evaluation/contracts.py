"""Scoring contract-term reading and supplier linking against a labelled contract corpus.

The folder holds contracts (``*.docx`` and ``*.pdf``) and, per contract, a labels file
with the same stem (``c01.json`` labels ``c01.docx`` and ``c01.pdf``): what a careful
contracts analyst reads from it::

    {"parties": {"buyer": {"name": "...", "vat_id": "..."},
                 "supplier": {"name": "...", "vat_id": "..."}},
     "supplier_id": "SUP-VOLTA", "category": "motors",
     "value": {"amount": "420000.00", "currency": "EUR"},
     "effective_date": "2027-03-01", "end_date": "2030-02-28",
     "payment_terms": {"net_days": 30, "discount_pct": null, "discount_days": null},
     "liquidated_damages": {"rate_pct": "0.5", "period": "week", "cap_pct": "5"},
     "milestones": [{"name": "...", "due_date": "2027-04-15", "amount": "40000.00"}]}

``supplier_id`` null means the party is not in the supplier master: the product must
ask a person, never link or invent one. Each file is read as a signed contract is read
on ingestion (:func:`extract_contract_terms`, rules only) and linked to the demo master
data the way the contract store links it, so the figures measure the product's path.

Two targets: the contract fields, micro-averaged over every expected value, at least
:data:`FIELD_TARGET`; and every contract with an unknown party left unlinked
(:data:`UNKNOWN_TARGET`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from procureflow.demo import demo_master_data
from procureflow.documents.contract_terms import ContractTerms, extract_contract_terms
from procureflow.documents.contract_terms.linking import link_contract
from procureflow.domain.master import Supplier
from procureflow.errors import DocumentRejected, InvalidInput
from procureflow.evaluation.report import (
    CaseFailure,
    FieldTally,
    KindReport,
    field_accuracy,
    target,
)

FIELD_TARGET = 0.97
UNKNOWN_TARGET = 1.0
FORMATS = (".docx", ".pdf")
FIELDS = (
    "buyer",
    "supplier",
    "supplier_vat_id",
    "supplier_id",
    "category",
    "value",
    "currency",
    "effective_date",
    "end_date",
    "payment_terms",
    "liquidated_damages",
    "milestones",
)


def load_labels(folder: Path) -> dict[str, dict[str, Any]]:
    """Label per contract file of ``folder``: every label names a contract that exists."""
    if not folder.is_dir():
        raise InvalidInput(f"contract corpus folder not found: {folder}")
    cases: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            label = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path} is not valid JSON: {exc}") from None
        if not isinstance(label, dict) or "parties" not in label or "value" not in label:
            raise InvalidInput(f"{path}: a contract label needs parties and value")
        files = [path.with_suffix(ext) for ext in FORMATS if path.with_suffix(ext).is_file()]
        if not files:
            raise InvalidInput(f"{path}: labelled contract {path.stem}.docx/.pdf is missing")
        for file in files:
            cases[file.name] = label
    if not cases:
        raise InvalidInput(f"{folder} holds no contract labels (*.json)")
    return cases


def _amount(value: object) -> str | None:
    if value is None:
        return None
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except InvalidOperation:
        return str(value)


def _name(value: object) -> str | None:
    return None if value is None else " ".join(str(value).split())


def _terms_key(net: object, pct: object, days: object) -> str:
    return f"net {net}" + (f", {_amount(pct)}% in {days} days" if pct is not None else "")


def _ld_key(rate: object, period: object, cap: object) -> str:
    return f"{_amount(rate)}% per {period}, cap {_amount(cap)}"


def expected_fields(label: dict[str, Any]) -> dict[str, object]:
    """What the label says each field should be (None: nothing to read)."""
    parties = label["parties"]
    terms = label.get("payment_terms")
    ld = label.get("liquidated_damages")
    milestones = label.get("milestones") or []
    return {
        "buyer": _name(parties.get("buyer", {}).get("name")),
        "supplier": _name(parties.get("supplier", {}).get("name")),
        "supplier_vat_id": parties.get("supplier", {}).get("vat_id"),
        "supplier_id": label.get("supplier_id"),
        "category": label.get("category"),
        "value": _amount(label["value"]["amount"]),
        "currency": label["value"]["currency"],
        "effective_date": label.get("effective_date"),
        "end_date": label.get("end_date"),
        "payment_terms": (
            _terms_key(terms["net_days"], terms.get("discount_pct"), terms.get("discount_days"))
            if terms
            else None
        ),
        "liquidated_damages": (
            _ld_key(ld["rate_pct"], ld["period"], ld.get("cap_pct")) if ld else None
        ),
        "milestones": (
            tuple((_name(m["name"]), m.get("due_date"), _amount(m["amount"])) for m in milestones)
            or None
        ),
    }


def actual_fields(terms: ContractTerms, suppliers: Sequence[Supplier]) -> dict[str, object]:
    """The same fields as the product reads them and links the contract."""
    link = link_contract(terms, suppliers)
    supplier, value, pay, ld = (
        terms.supplier,
        terms.value,
        terms.payment_terms,
        terms.liquidated_damages,
    )
    return {
        "buyer": _name(terms.buyer.name) if terms.buyer else None,
        "supplier": _name(supplier.name) if supplier else None,
        "supplier_vat_id": supplier.tax_id if supplier else None,
        "supplier_id": link.supplier_id,
        "category": link.category,
        "value": _amount(value.amount) if value else None,
        "currency": value.currency if value else None,
        "effective_date": terms.effective_date.value.isoformat() if terms.effective_date else None,
        "end_date": terms.end_date.value.isoformat() if terms.end_date else None,
        "payment_terms": (
            _terms_key(pay.net_days, pay.discount_pct, pay.discount_days) if pay else None
        ),
        "liquidated_damages": _ld_key(ld.rate_pct, ld.period, ld.cap_pct) if ld else None,
        "milestones": (
            tuple(
                (
                    _name(m.name),
                    m.due_date.isoformat() if m.due_date else None,
                    _amount(m.amount),
                )
                for m in terms.milestones
            )
            or None
        ),
    }


def read_case(data: bytes, name: str, suppliers: Sequence[Supplier]) -> dict[str, object] | None:
    """Read one contract as ingestion does (None when the file is refused)."""
    try:
        terms = extract_contract_terms(data, name)
    except DocumentRejected:
        return None
    return actual_fields(terms, suppliers)


def evaluate(
    folder: Path, *, reader: Callable[[bytes, str], dict[str, object] | None] | None = None
) -> KindReport:
    """Score the reading and linking of every labelled contract in ``folder``."""
    labels = load_labels(folder)
    suppliers = demo_master_data().suppliers
    read = reader or (lambda data, name: read_case(data, name, suppliers))
    tally = FieldTally()
    failures: list[CaseFailure] = []
    unknown = unknown_right = 0
    for name in sorted(labels):
        want = expected_fields(labels[name])
        have = read((folder / name).read_bytes(), name) or dict.fromkeys(FIELDS)
        if want["supplier_id"] is None:
            unknown += 1
            unknown_right += have["supplier_id"] is None
        for field in FIELDS:
            if not tally.compare(field, want[field], have[field]):
                failures.append(
                    CaseFailure(case=name, field=field, expected=want[field], actual=have[field])
                )
    fields = tally.scores()
    return KindReport(
        kind="contracts",
        cases=len(labels),
        fields=fields,
        targets=[
            target("contract fields", field_accuracy(fields), FIELD_TARGET),
            target(
                "unknown parties left unlinked",
                unknown_right / unknown if unknown else 1.0,
                UNKNOWN_TARGET,
            ),
        ],
        failures=failures,
    )


__all__ = [
    "FIELDS",
    "FIELD_TARGET",
    "UNKNOWN_TARGET",
    "actual_fields",
    "evaluate",
    "expected_fields",
    "load_labels",
    "read_case",
]
