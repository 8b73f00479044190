"""Contract terms extraction from DOCX and PDF: parties, value, dates, payment terms,
milestones, liquidated damages and required certifications, each with its evidence.

Rule-based by default; an optional :class:`TermsModel` (a language model behind a port)
may fill in terms the rules could not place. The product works fully without one.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from procureflow.documents.contract_terms import rules, schedules
from procureflow.documents.contract_terms.model import (
    CertificationTerm,
    ContractTerms,
    ContractValue,
    DateTerm,
    Evidence,
    ItemTerm,
    LiquidatedDamagesTerm,
    MilestoneTerm,
    Party,
    PaymentTermsTerm,
)
from procureflow.documents.contract_terms.reading import ContractText, read_contract
from procureflow.errors import DocumentRejected, InvalidInput

REQUIRED_TERMS = ("supplier", "value", "payment_terms")
OPTIONAL_TERMS = (
    "buyer",
    "effective_date",
    "end_date",
    "milestones",
    "liquidated_damages",
    "certifications",
)


class TermsModel(Protocol):
    """A language model that reads terms the rules missed.

    ``read(text, missing)`` gets the contract's text (blocks joined, each prefixed with
    its location) and the names of the missing terms; it returns a mapping of term name
    to a value in the JSON shape of :class:`ContractTerms`, with evidence.
    """

    def read(self, text: str, missing: list[str]) -> dict[str, Any]:
        """Terms found for ``missing`` (may be fewer, never others)."""
        ...


def _missing(terms: dict[str, Any]) -> list[str]:
    return [
        name for name in (*REQUIRED_TERMS, *OPTIONAL_TERMS) if terms.get(name) in (None, [], ())
    ]


def terms_from_text(text: ContractText, *, source: str, sha256: str) -> dict[str, Any]:
    """The rule-based reading as keyword arguments of :class:`ContractTerms`."""
    blocks = text.blocks
    buyer, supplier = rules.find_parties(blocks)
    effective, end = rules.find_dates_of_term(blocks)
    milestones = schedules.milestones_from_tables(text.tables) or schedules.milestones_from_prose(
        blocks
    )
    return {
        "source": source,
        "source_sha256": sha256,
        "title": rules.find_title(blocks),
        "contract_number": rules.find_first(blocks, rules._NUMBER_LINE, "no"),
        "category": rules.find_first(blocks, rules._CATEGORY, "cat"),
        "buyer": buyer,
        "supplier": rules.supplier_details(blocks, supplier),
        "value": rules.find_value(blocks),
        "effective_date": effective,
        "end_date": end,
        "payment_terms": rules.find_payment_terms(blocks),
        "items": tuple(schedules.items_from_tables(text.tables)),
        "milestones": tuple(milestones),
        "liquidated_damages": rules.find_liquidated_damages(blocks),
        "certifications": tuple(schedules.find_certifications(blocks, text.tables)),
    }


def extract_contract_terms(
    data: bytes, name: str, *, model: TermsModel | None = None
) -> ContractTerms:
    """Read the terms of a DOCX or PDF contract.

    DocumentRejected when the file is not a readable DOCX/PDF or states an unknown
    currency; terms not found are listed in ``missing`` (the caller decides whether a
    contract without, say, a value can proceed).
    """
    text = read_contract(data, name)
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        found = terms_from_text(text, source=name, sha256=sha256)
    except InvalidInput as exc:
        raise DocumentRejected(exc.message, subject=name) from exc
    missing = _missing(found)
    if model is not None and missing:
        joined = "\n".join(f"[{b.location}] {b.text}" for b in text.blocks)
        extra = model.read(joined, missing)
        for key in missing:
            if key in extra and extra[key]:
                found[key] = extra[key]
                found["extracted_by"] = "rules+model"
        missing = _missing(found)
    try:
        return ContractTerms.model_validate({**found, "missing": tuple(missing)})
    except ValueError as exc:
        raise DocumentRejected(f"terms read are not consistent: {exc}", subject=name) from exc


__all__ = [
    "CertificationTerm",
    "ContractTerms",
    "ContractValue",
    "DateTerm",
    "Evidence",
    "ItemTerm",
    "LiquidatedDamagesTerm",
    "MilestoneTerm",
    "Party",
    "PaymentTermsTerm",
    "TermsModel",
    "extract_contract_terms",
]
