"""Classifying a supplier mail as delay notice, price change or other, with evidence.

Each sentence (and the subject) is scored against the cue tables of
:mod:`~procureflow.agents.extraction.lexicon`; a delay sentence that also states a
duration or a date scores one point more. The class with the higher total wins if
it reaches :data:`~procureflow.agents.extraction.lexicon.CLASS_THRESHOLD`; otherwise the
mail is *other*. The sentences that scored are the evidence.

A cue taken back in its clause ("we do not expect any delay", "keine Verzögerung",
"aucun retard", "a delay is not expected") counts nothing. A sentence that speaks of a
delivery without certainty ("may be late", "cannot confirm the delivery date") is no
evidence either way: it is kept as *uncertain*, so that a mail with nothing firmer goes
to a person instead of passing as other mail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from procureflow.agents.extraction.dates import mentions_date
from procureflow.agents.extraction.durations import find_durations
from procureflow.agents.extraction.lexicon import (
    CLASS_THRESHOLD,
    DELAY_CUES,
    HEDGES,
    NEGATED_AFTER,
    NEGATION,
    NEGATION_EXCEPTIONS,
    PRICE_CUES,
    UNCERTAIN_DELIVERY,
    Cue,
)

Classification = Literal["delay_notice", "price_change", "other"]
CLASSES: tuple[Classification, ...] = ("delay_notice", "price_change", "other")


@dataclass(slots=True)
class ClassScores:
    """Totals per class and the sentences that earned them."""

    scores: dict[Classification, float] = field(default_factory=dict)
    evidence: dict[Classification, list[str]] = field(default_factory=dict)
    uncertain: list[str] = field(default_factory=list)

    @property
    def choice(self) -> Classification:
        """The winning class (``other`` when no class reaches the threshold)."""
        delay, price = self.scores["delay_notice"], self.scores["price_change"]
        if max(delay, price) < CLASS_THRESHOLD:
            return "other"
        return "delay_notice" if delay >= price else "price_change"

    def settle(self) -> None:
        """ "other" scores what is left of the threshold: high when neither class has a case."""
        strongest = max(self.scores["delay_notice"], self.scores["price_change"])
        self.scores["other"] = max(CLASS_THRESHOLD - strongest, 0.0)


_CLAUSE_END = re.compile(
    r"[,;:.!?()]|\s[-–—]\s|\b(?:but|however|and|therefore|because|aber|jedoch|und|daher|"
    r"deshalb|weil|mais|cependant|et|donc|car)\b",
    re.I,
)
_NEGATION_REACH = 4
"""Words a negation reaches forward: "we do not expect any further delay" (3)."""


def negated(sentence: str, start: int, end: int) -> bool:
    """True when the words at ``start:end`` are taken back in their clause.

    "We do not expect any delay", "keine Verzögerung", "aucun retard", "without delay",
    "a delay is not expected"; not "we could not avoid a delay".
    """
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    window = sentence[clause_start:start]
    last = next(reversed(list(NEGATION.finditer(window))), None)
    if last is not None:
        between = window[last.end() :]
        if len(between.split()) <= _NEGATION_REACH and not NEGATION_EXCEPTIONS.match(between):
            return True
    after = sentence[end:]
    clause_end = _CLAUSE_END.search(after)
    return bool(NEGATED_AFTER.match(after[: clause_end.start() if clause_end else len(after)]))


def _weight(cues: Sequence[Cue], sentence: str) -> float:
    total = 0.0
    for cue in cues:
        if any(not negated(sentence, m.start(), m.end()) for m in cue.pattern.finditer(sentence)):
            total += cue.weight
    return total


def hedged(sentence: str) -> bool:
    """True when ``sentence`` speaks of a delivery without certainty ("may be late",
    "cannot confirm the delivery date", "Liefertermin nicht bestätigen")."""
    return any(
        not negated(sentence, m.start(), m.end()) for m in HEDGES.finditer(sentence)
    ) and bool(UNCERTAIN_DELIVERY.search(sentence))


def classify(subject: str, sentences: Sequence[str]) -> ClassScores:
    """Score ``subject`` and ``sentences`` for each class; the subject counts like a sentence.

    A cue that is negated in its clause counts nothing. A sentence that speaks of a
    delivery without certainty is no evidence of a delay: it goes to ``uncertain``, for
    a person to read.
    """
    result = ClassScores(
        scores={"delay_notice": 0.0, "price_change": 0.0, "other": 0.0},
        evidence={"delay_notice": [], "price_change": [], "other": []},
    )
    for sentence in [subject, *sentences] if subject else sentences:
        price = _weight(PRICE_CUES, sentence)
        if price:
            result.scores["price_change"] += price
            result.evidence["price_change"].append(sentence)
        if hedged(sentence):
            result.uncertain.append(sentence)
            continue
        delay = _weight(DELAY_CUES, sentence)
        if delay and (find_durations(sentence) or mentions_date(sentence)):
            delay += 1.0
        if delay:
            result.scores["delay_notice"] += delay
            result.evidence["delay_notice"].append(sentence)
    result.settle()
    return result


def add_delay_evidence(result: ClassScores, sentence: str, weight: float) -> None:
    """Count ``sentence`` for a delay (a date moved later, found by the date reader)."""
    if sentence in result.uncertain:
        return
    result.scores["delay_notice"] += weight
    if sentence not in result.evidence["delay_notice"]:
        result.evidence["delay_notice"].append(sentence)
    result.settle()


__all__ = [
    "CLASSES",
    "ClassScores",
    "Classification",
    "add_delay_evidence",
    "classify",
    "hedged",
    "negated",
]
