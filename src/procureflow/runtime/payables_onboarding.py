"""The supplier onboarding checklist a signed contract starts, and the compliance record.

Tasks, each with an owner role and a status (``done`` or ``open`` with the reason a
person must act):

* ``bank_details`` (accounts_payable) — IBAN and BIC from the contract, validated
  (checksum, format, BIC country against the IBAN);
* ``tax_id`` (accounts_payable) — a VAT id in the EU format (country prefix + digits);
* ``certificates`` (legal) — every required certificate on file with a validity date
  that has not passed;
* ``screening`` (legal) — the supplier's name against the imported denied-party list.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from procureflow.documents.contract_terms import ContractTerms
from procureflow.documents.pain001 import validate_bic, validate_iban
from procureflow.errors import InvalidInput
from procureflow.runtime.payables_stores import PayablesStores

_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,12}$")
EXPIRING_DAYS = 90


def bank_details_check(terms: ContractTerms) -> tuple[str, dict[str, Any]]:
    """``done`` with the compact IBAN/BIC, or ``open`` with what is wrong."""
    supplier = terms.supplier
    owner = supplier.name if supplier else "the supplier"
    if supplier is None or not supplier.iban:
        return "open", {"problem": "the contract gives no IBAN for the supplier"}
    try:
        iban = validate_iban(supplier.iban, owner=owner)
        bic = validate_bic(supplier.bic, owner=owner, iban=iban) if supplier.bic else None
    except InvalidInput as exc:
        return "open", {"problem": exc.message}
    return "done", {"iban": iban, "bic": bic}


def tax_id_check(terms: ContractTerms) -> tuple[str, dict[str, Any]]:
    """``done`` when the supplier's VAT id looks valid."""
    tax_id = terms.supplier.tax_id if terms.supplier else None
    if not tax_id:
        return "open", {"problem": "the contract gives no tax id for the supplier"}
    compact = "".join(ch for ch in tax_id.upper() if ch.isalnum())
    if not _VAT.match(compact):
        return "open", {"problem": f"tax id {tax_id!r} is not in the VAT id format"}
    return "done", {"tax_id": compact}


def certificate_status(valid_until: date | None, today: date) -> str:
    """``valid``, ``expiring`` (within 90 days), ``expired`` or ``no_expiry_on_file``."""
    if valid_until is None:
        return "no_expiry_on_file"
    if valid_until < today:
        return "expired"
    if (valid_until - today).days <= EXPIRING_DAYS:
        return "expiring"
    return "valid"


def certificates_check(terms: ContractTerms, today: date) -> tuple[str, dict[str, Any]]:
    """``done`` when every required certificate is on file and not expired."""
    statuses = {c.name: certificate_status(c.valid_until, today) for c in terms.certifications}
    bad = {name: s for name, s in statuses.items() if s in ("expired", "no_expiry_on_file")}
    if bad:
        return "open", {"problem": "certificates missing or expired", "certificates": statuses}
    return "done", {"certificates": statuses}


def run_onboarding(stores: PayablesStores, contract_id: str, today: date) -> dict[str, Any]:
    """Run every check, store the checklist and return it with ``complete``."""
    contract = stores.contracts.get(contract_id)
    terms = stores.contracts.terms(contract_id)
    hits = stores.contracts.screen(contract["supplier_name"])
    screening = (
        ("open", {"problem": "supplier matches the denied-party list", "hits": hits})
        if hits
        else ("done", {"screened_name": contract["supplier_name"]})
    )
    checks = {
        "bank_details": ("accounts_payable", bank_details_check(terms)),
        "tax_id": ("accounts_payable", tax_id_check(terms)),
        "certificates": ("legal", certificates_check(terms, today)),
        "screening": ("legal", screening),
    }
    tasks = []
    for task, (owner, (status, detail)) in checks.items():
        stores.contracts.put_task(contract_id, task, owner_role=owner, status=status, detail=detail)
        tasks.append({"task": task, "owner_role": owner, "status": status, "detail": detail})
    open_tasks = [t for t in tasks if t["status"] != "done"]
    return {
        "complete": not open_tasks,
        "tasks": tasks,
        "open": [t["task"] for t in open_tasks],
        "denied_party": bool(hits),
        "owner_role": open_tasks[0]["owner_role"] if open_tasks else None,
    }


def set_bank_details(
    stores: PayablesStores, contract_id: str, iban: str, bic: str | None, *, actor: str
) -> dict[str, Any]:
    """Accounts payable confirms or corrects the supplier's account: validated (InvalidInput
    naming the problem, nothing changed), then the ``bank_details`` task is done with it
    and later payments use it."""
    contract = stores.contracts.get(contract_id)
    owner = contract["supplier_name"]
    compact = validate_iban(iban, owner=owner)
    checked_bic = validate_bic(bic, owner=owner, iban=compact) if bic else None
    detail = {"iban": compact, "bic": checked_bic, "confirmed_by": actor}
    stores.contracts.put_task(
        contract["contract_id"], "bank_details", owner_role="accounts_payable", status="done",
        detail=detail,
    )  # fmt: skip
    return {"contract_id": contract["contract_id"], "task": "bank_details", **detail}


def record_compliance(stores: PayablesStores, contract_id: str, today: date) -> dict[str, Any]:
    """The compliance record: each required certificate with its expiry and status."""
    contract = stores.contracts.get(contract_id)
    terms = stores.contracts.terms(contract_id)
    for cert in terms.certifications:
        stores.contracts.put_certificate(
            contract_id,
            contract["supplier_id"],
            cert.name,
            cert.valid_until,
            certificate_status(cert.valid_until, today),
        )
    return {"contract_id": contract_id, "certificates": stores.contracts.certificates(contract_id)}


__all__ = [
    "bank_details_check",
    "set_bank_details",
    "certificate_status",
    "certificates_check",
    "record_compliance",
    "run_onboarding",
    "tax_id_check",
]
