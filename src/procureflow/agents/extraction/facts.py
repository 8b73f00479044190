"""The rule-based reading of one mail: class, items, POs, delay, reason, prices.

Pure: text and master data in, :class:`MailFacts` out. The Risk Monitor turns these into
its output and decision record; the LLM path produces the same shape and is checked
against the same master data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from procureflow.agents.extraction.classify import (
    Classification,
    ClassScores,
    add_delay_evidence,
    classify,
    negated,
)
from procureflow.agents.extraction.dates import FoundDate, find_dates
from procureflow.agents.extraction.durations import Duration, find_durations
from procureflow.agents.extraction.lexicon import (
    AUTO_REPLY,
    AUTO_REPLY_BODY,
    BULK_MAIL,
    DELAY_CUES,
    EFFECTIVE_MARKERS,
    UNAFFECTED,
)
from procureflow.agents.extraction.quoting import (
    forwarded_text,
    is_reply_or_forward,
    split_thread,
)
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
    needs_person: str | None = None
    """Why a person must read the mail: it may speak of a delay the rules cannot read."""
    routine: str | None = None
    """Why the mail is no notice whatever its words: an out-of-office reply, bulk mail."""
    read_part: str = "whole mail"
    """Which part was read: the whole mail, the newest message, or the forwarded mail."""


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


def _effective_date(sentence: str, language: str, base: date) -> date | None:
    """The date an effective marker ("from", "as of", "ab", "zum", "à compter du") stands
    before; without one next to a date, None."""
    previous_end = 0
    for found in find_dates(sentence, language=language, base=base):
        if EFFECTIVE_MARKERS.search(sentence[previous_end : found.start]):
            return found.value
        previous_end = found.start + len(found.text)
    return None


def _price_facts(facts: MailFacts, base: date) -> None:
    price_lines = facts.scores.evidence["price_change"]
    for sentence in price_lines + facts.sentences:
        if facts.price_change_pct is None and sentence in price_lines:
            percentages = find_percentages(sentence)
            if percentages:
                facts.price_change_pct = percentages[0]
        if facts.effective_date is None:
            facts.effective_date = _effective_date(sentence, facts.language, base)
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
    hits: list[SkuHit], lines: Sequence[str], delay_lines: Sequence[str] = ()
) -> tuple[list[SkuHit], list[SkuHit]]:
    """Items named only in sentences saying they are not affected are left out.

    A sentence that is itself evidence of a delay ("300 ship on time, the rest follows a
    week later") does not make its items unaffected.
    """
    kept: list[SkuHit] = []
    dropped: list[SkuHit] = []
    for hit in hits:
        where = [line for line in lines if hit.text.lower() in line.lower()]
        if where and all(UNAFFECTED.search(line) and line not in delay_lines for line in where):
            dropped.append(hit)
        else:
            kept.append(hit)
    return kept, dropped


def _routine(subject: str, lines: Sequence[str]) -> str | None:
    """An out-of-office reply or bulk mail (newsletter): its delay words are no notice."""
    if AUTO_REPLY.search(subject) or any(AUTO_REPLY_BODY.search(line) for line in lines[:3]):
        return "an automatic out-of-office reply"
    if any(BULK_MAIL.search(line) for line in lines):
        return "a newsletter or other bulk mail"
    return None


_RANGE_WORDS = re.compile(
    r"^(?:from|von|vom|du|de)$|^\W*(?:to|till|until|bis|auf|zum|au|à)\b", re.I
)


def _date_shift(scores: ClassScores, lines: Sequence[str], language: str, base: date) -> None:
    """A date moved later ("originally 4 December … now 18 December") is delay evidence,
    whatever words carry it. "From D1 to D2" alone is a period (a holiday closure), not
    a date moved: both dates need a marker of their own."""
    first: dict[str, tuple[FoundDate, str]] = {}
    for line in lines:
        for found in find_dates(line, language=language, base=base):
            if found.role != "other" and not _RANGE_WORDS.match(found.marker):
                first.setdefault(found.role, (found, line))
    if "original" in first and "new" in first:
        (original, _), (new, line) = first["original"], first["new"]
        if new.value > original.value:
            add_delay_evidence(scores, line, 2.0)


def _delay_words(sentence: str) -> bool:
    return any(
        not negated(sentence, m.start(), m.end())
        for cue in DELAY_CUES
        for m in cue.pattern.finditer(sentence)
    )


def _reply_on_a_delay(subject: str, lines: Sequence[str], language: str, base: date) -> bool:
    """A reply in a delay thread whose newest message gives a date or a length but no
    delay words of its own: it may confirm the delay or settle it, a person decides."""
    if not _delay_words(subject) or any(UNAFFECTED.search(line) for line in lines):
        return False
    return any(
        find_durations(line) or find_dates(line, language=language, base=base) for line in lines
    )


def read_mail(subject: str, body: str, items: Sequence[Item], *, base: date) -> MailFacts:
    """Read ``subject`` and ``body`` against the item master; ``base`` anchors yearless dates.

    Only the newest message counts (quoted replies are history); a forward that says
    nothing of its own is read from the mail it forwards. The subject of a reply or a
    forward is the old thread's, so it is no evidence either.
    """
    thread = split_thread(body, subject)
    thread_subject = is_reply_or_forward(subject)
    own_subject = "" if thread_subject else subject
    language = detect_language(subject + "\n" + body)
    text, part = (thread.newest, "newest message") if thread.has_earlier else (body, "whole mail")
    lines = sentences(text)
    scores = classify(own_subject, lines)
    if thread.forwarded and not any(
        (scores.evidence["delay_notice"], scores.evidence["price_change"], scores.uncertain)
    ):
        text, part = forwarded_text(thread.earlier), "forwarded mail"
        lines = sentences(text)
        scores = classify(own_subject, lines)
    routine = _routine(subject, lines)
    if routine is None:
        _date_shift(scores, lines, language, base)
    found = match_skus(subject + "\n" + text, lines, items)
    if not found and part != "whole mail":
        found = match_skus(subject + "\n" + body, sentences(body), items)
    skus, unaffected = _split_unaffected(found, [subject, *lines], scores.evidence["delay_notice"])
    facts = MailFacts(
        language=language,
        sentences=lines,
        scores=scores,
        classification="other" if routine else scores.choice,
        skus=skus,
        po_numbers=find_po_numbers(subject + "\n" + text, exclude=[h.sku for h in found])
        or find_po_numbers(subject + "\n" + body, exclude=[h.sku for h in found]),
        unaffected_skus=[h.sku for h in unaffected],
        routine=routine,
        read_part=part,
    )
    if routine is None and facts.classification == "other":
        if scores.uncertain:
            facts.needs_person = scores.uncertain[0]
        elif thread_subject and _reply_on_a_delay(subject, lines, language, base):
            facts.needs_person = subject
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
