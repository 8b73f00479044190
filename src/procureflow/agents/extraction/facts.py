"""The rule-based reading of one mail: class, items, POs, delay, reason, prices.

Pure: text and master data in, :class:`MailFacts` out. The Risk Monitor turns these into
its output and decision record; the LLM path produces the same shape and is checked
against the same master data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from procureflow.agents.extraction.classify import Classification, ClassScores, classify
from procureflow.agents.extraction.dates import FoundDate, find_dates
from procureflow.agents.extraction.durations import Duration, find_durations
from procureflow.agents.extraction.lexicon import EFFECTIVE_MARKERS, UNAFFECTED
from procureflow.agents.extraction.references import (
    find_force_majeure,
    find_percentages,
    find_po_numbers,
    find_reason,
    new_and_old_price,
)
from procureflow.agents.extraction.skus import SkuHit, match_skus
from procureflow.agents.extraction.text import detect_language, sentences
from procureflow.domain.master import Item


@dataclass(frozen=True, slots=True)
class PriceQuote:
    """A new (and, if stated, previous) unit price the mail gives for one item."""

    sku: str
    new_price: Decimal
    currency: str
    old_price: Decimal | None = None


@dataclass(slots=True)
class MailFacts:
    """Everything the rules read from one mail."""

    language: str
    sentences: list[str]
    scores: ClassScores
    classification: Classification
    skus: list[SkuHit]
    po_numbers: list[str]
    unaffected_skus: list[str] = field(default_factory=list)
    duration: Duration | None = None
    duration_sentence: str | None = None
    original_date: FoundDate | None = None
    new_date: FoundDate | None = None
    date_sentences: list[str] = field(default_factory=list)
    reason: str | None = None
    reason_sentence: str | None = None
    force_majeure_sentence: str | None = None
    price_change_pct: Decimal | None = None
    effective_date: date | None = None
    price_quotes: list[PriceQuote] = field(default_factory=list)


def _delay_facts(facts: MailFacts, subject: str, base: date) -> None:
    delay_lines = facts.scores.evidence["delay_notice"]
    for sentence in delay_lines:
        found = find_durations(sentence)
        if found:
            facts.duration, facts.duration_sentence = found[0], sentence
            break
    for sentence in [s for s in facts.sentences if s != subject]:
        for found_date in find_dates(sentence, language=facts.language, base=base):
            if found_date.role == "original" and facts.original_date is None:
                facts.original_date = found_date
                facts.date_sentences.append(sentence)
            elif found_date.role == "new" and facts.new_date is None:
                facts.new_date = found_date
                if sentence not in facts.date_sentences:
                    facts.date_sentences.append(sentence)


def _price_facts(facts: MailFacts, base: date) -> None:
    for sentence in facts.scores.evidence["price_change"] + facts.sentences:
        if facts.price_change_pct is None:
            percentages = find_percentages(sentence)
            if percentages and sentence in facts.scores.evidence["price_change"]:
                facts.price_change_pct = percentages[0]
        if facts.effective_date is None and EFFECTIVE_MARKERS.search(sentence):
            dates = find_dates(sentence, language=facts.language, base=base)
            if dates:
                facts.effective_date = dates[0].value
    price_lines = facts.scores.evidence["price_change"]
    for hit in facts.skus:
        own = [s for s in facts.sentences if hit.text.lower() in s.lower()]
        # with one item only, a price line that does not repeat its code still speaks of it
        candidates = own + (price_lines if len(facts.skus) == 1 else [])
        for sentence in candidates:
            found = new_and_old_price(sentence)
            if found:
                (new, currency), old = found
                facts.price_quotes.append(PriceQuote(hit.sku, new, currency, old))
                break


def _split_unaffected(
    hits: list[SkuHit], lines: Sequence[str]
) -> tuple[list[SkuHit], list[SkuHit]]:
    """Items named only in sentences saying they are not affected are left out."""
    kept: list[SkuHit] = []
    dropped: list[SkuHit] = []
    for hit in hits:
        where = [line for line in lines if hit.text.lower() in line.lower()]
        if where and all(UNAFFECTED.search(line) for line in where):
            dropped.append(hit)
        else:
            kept.append(hit)
    return kept, dropped


def read_mail(subject: str, body: str, items: Sequence[Item], *, base: date) -> MailFacts:
    """Read ``subject`` and ``body`` against the item master; ``base`` anchors yearless dates."""
    lines = sentences(body)
    language = detect_language(subject + "\n" + body)
    scores = classify(subject, lines)
    found = match_skus(subject + "\n" + body, lines, items)
    skus, unaffected = _split_unaffected(found, [subject, *lines])
    facts = MailFacts(
        language=language,
        sentences=lines,
        scores=scores,
        classification=scores.choice,
        skus=skus,
        po_numbers=find_po_numbers(subject + "\n" + body, exclude=[h.sku for h in found]),
        unaffected_skus=[h.sku for h in unaffected],
    )
    reason = find_reason(lines)
    if reason:
        facts.reason, facts.reason_sentence = reason
    facts.force_majeure_sentence = find_force_majeure(lines)
    if facts.classification == "delay_notice":
        _delay_facts(facts, subject, base)
    elif facts.classification == "price_change":
        _price_facts(facts, base)
    return facts


__all__ = ["MailFacts", "PriceQuote", "read_mail"]
