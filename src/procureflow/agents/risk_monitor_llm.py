"""The two readings of a mail the Risk Monitor can use: the rules', and a language
model's checked against the mail text and the master data.

Checks on the model's answer: SKUs must exist in the item master (others are listed as
``unknown_skus``); PO numbers must appear in the mail; a delay must be 1–730 days; a new
date must not precede the original one; evidence lines must be quoted from the mail.
What fails a check is dropped and the rules' value is used; a model that raises leaves
the rules' reading in place. Either way the decision record says what happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from procureflow.agents.base import GuardrailCheck
from procureflow.agents.extraction.classify import Classification
from procureflow.agents.extraction.facts import MailFacts
from procureflow.agents.llm_extraction import LlmExtraction, LlmExtractor
from procureflow.agents.risk_monitor_models import (
    ItemReference,
    PriceChangeFacts,
    PriceQuoteOut,
    RiskMonitorInput,
)
from procureflow.domain.master import MasterDataSet

MAX_DELAY_DAYS = 730


@dataclass(slots=True)
class Reading:
    """The facts of one mail, whichever way they were read."""

    classification: Classification
    extraction: Literal["rules", "llm", "portal"]
    evidence_lines: list[str]
    items: list[ItemReference]
    po_numbers: list[str]
    duration_days: int | None = None
    duration_text: str | None = None
    original_date: date | None = None
    new_date: date | None = None
    reason: str | None = None
    force_majeure: bool = False
    price_change: PriceChangeFacts | None = None
    unknown_skus: list[str] = field(default_factory=list)
    llm_check: GuardrailCheck | None = None


def reading_from_rules(facts: MailFacts, master: MasterDataSet) -> Reading:
    """The rule-based reading of ``facts``."""
    items = []
    for hit in facts.skus:
        item = master.item(hit.sku)
        if item is not None:
            items.append(
                ItemReference(
                    sku=item.sku,
                    description=item.description,
                    critical=item.critical,
                    match=hit.kind,
                    score=hit.score,
                    matched_text=hit.text,
                )
            )
    choice = facts.classification
    evidence = list(facts.scores.evidence.get(choice, []))
    for extra in (facts.duration_sentence, *facts.date_sentences, facts.reason_sentence):
        if choice != "other" and extra and extra not in evidence:
            evidence.append(extra)
    if facts.force_majeure_sentence and facts.force_majeure_sentence not in evidence:
        evidence.append(facts.force_majeure_sentence)
    price = None
    if choice == "price_change":
        price = PriceChangeFacts(
            percent=facts.price_change_pct,
            effective_date=facts.effective_date,
            quotes=[
                PriceQuoteOut(
                    sku=q.sku, new_price=q.new_price, old_price=q.old_price, currency=q.currency
                )
                for q in facts.price_quotes
            ],
        )
    return Reading(
        classification=choice,
        extraction="rules",
        evidence_lines=evidence,
        items=items,
        po_numbers=list(facts.po_numbers),
        duration_days=facts.duration.days if facts.duration else None,
        duration_text=facts.duration.text if facts.duration else None,
        original_date=facts.original_date.value if facts.original_date else None,
        new_date=facts.new_date.value if facts.new_date else None,
        reason=facts.reason if choice != "other" else None,
        force_majeure=facts.force_majeure_sentence is not None,
        price_change=price,
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def reading_from_llm(
    llm: LlmExtractor,
    data: RiskMonitorInput,
    facts: MailFacts,
    master: MasterDataSet,
    as_of: date,
    *,
    fallback: Reading,
) -> Reading:
    """The model's reading checked field by field; ``fallback`` (the rules') fills the gaps."""
    try:
        answer = llm.extract(
            sender=data.sender,
            subject=data.subject,
            body=data.body,
            known_skus=[item.sku for item in master.items],
        )
        answer = LlmExtraction.model_validate(answer)
    except Exception as exc:  # the model is outside the product: any failure means "use rules"
        return replace(
            fallback,
            llm_check=GuardrailCheck(
                name="LLM reading validated against mail and master data",
                passed=False,
                detail=f"model failed ({type(exc).__name__}: {exc}); rule-based reading used",
            ),
        )
    return _checked(answer, data, facts, master, as_of, fallback)


def _checked(
    answer: LlmExtraction,
    data: RiskMonitorInput,
    facts: MailFacts,
    master: MasterDataSet,
    as_of: date,
    fallback: Reading,
) -> Reading:
    dropped: list[str] = []
    mail = _squash(data.subject + "\n" + data.body)
    items = list(fallback.items)
    unknown: list[str] = []
    for code in answer.skus:
        item = master.item(code.strip())
        if item is None:
            unknown.append(code)
            continue
        if all(i.sku != item.sku for i in items):
            items.append(
                ItemReference(
                    sku=item.sku,
                    description=item.description,
                    critical=item.critical,
                    match="llm",
                    score=100.0 if code.lower() in mail else 0.0,
                    matched_text=code,
                )
            )
    if unknown:
        dropped.append(f"SKUs not in the item master: {', '.join(unknown)}")
    pos = [p.upper() for p in answer.po_numbers if _squash(p) in mail]
    if len(pos) < len(answer.po_numbers):
        dropped.append("PO numbers not found in the mail")
    days = answer.delay_days
    if days is not None and not 0 < days <= MAX_DELAY_DAYS:
        dropped.append(f"delay of {days} days outside 1–{MAX_DELAY_DAYS}")
        days = None
    original, new = answer.original_date, answer.new_date
    window = (as_of - timedelta(days=366), as_of + timedelta(days=MAX_DELAY_DAYS))
    for value in (original, new):
        if value is not None and not window[0] <= value <= window[1]:
            dropped.append(f"date {value} implausibly far from {as_of}")
            original = new = None
            break
    if original and new and new < original:
        dropped.append(f"new date {new} before original date {original}")
        original = new = None
    evidence = [line for line in answer.evidence if _squash(line) and _squash(line) in mail]
    if len(evidence) < len(answer.evidence):
        dropped.append("evidence lines not quoted from the mail")
    pct = answer.price_change_pct
    if pct is not None and not Decimal(-100) < pct < Decimal(1000):
        dropped.append(f"price change of {pct}% implausible")
        pct = None
    price = fallback.price_change
    if answer.classification == "price_change":
        base = price or PriceChangeFacts()
        price = base.model_copy(update={"percent": pct if pct is not None else base.percent})
    check = GuardrailCheck(
        name="LLM reading validated against mail and master data",
        passed=not dropped,
        detail="; ".join(dropped) or "every field checked",
    )
    return Reading(
        classification=answer.classification,
        extraction="llm",
        evidence_lines=evidence or list(facts.scores.evidence.get(answer.classification, [])),
        items=items,
        po_numbers=pos or fallback.po_numbers,
        duration_days=days if days is not None else fallback.duration_days,
        duration_text=f"{days} days" if days is not None else fallback.duration_text,
        original_date=original or (None if new else fallback.original_date),
        new_date=new or (None if original else fallback.new_date),
        reason=(answer.reason or "").strip()[:300] or fallback.reason,
        force_majeure=answer.force_majeure or fallback.force_majeure,
        price_change=price if answer.classification == "price_change" else None,
        unknown_skus=unknown,
        llm_check=check,
    )


__all__ = ["MAX_DELAY_DAYS", "Reading", "reading_from_llm", "reading_from_rules"]
