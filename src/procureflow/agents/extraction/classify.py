"""Classifying a supplier mail as delay notice, price change or other, with evidence.

Each sentence (and the subject) is scored against the cue tables of
:mod:`~procureflow.agents.extraction.lexicon`; a delay sentence that also states a
duration or a date scores one point more. The class with the higher total wins if
it reaches :data:`~procureflow.agents.extraction.lexicon.CLASS_THRESHOLD`; otherwise the
mail is *other*. The sentences that scored are the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from procureflow.agents.extraction.dates import mentions_date
from procureflow.agents.extraction.durations import find_durations
from procureflow.agents.extraction.lexicon import CLASS_THRESHOLD, DELAY_CUES, PRICE_CUES, Cue

Classification = Literal["delay_notice", "price_change", "other"]
CLASSES: tuple[Classification, ...] = ("delay_notice", "price_change", "other")


@dataclass(slots=True)
class ClassScores:
    """Totals per class and the sentences that earned them."""

    scores: dict[Classification, float] = field(default_factory=dict)
    evidence: dict[Classification, list[str]] = field(default_factory=dict)

    @property
    def choice(self) -> Classification:
        """The winning class (``other`` when no class reaches the threshold)."""
        delay, price = self.scores["delay_notice"], self.scores["price_change"]
        if max(delay, price) < CLASS_THRESHOLD:
            return "other"
        return "delay_notice" if delay >= price else "price_change"


def _weight(cues: Sequence[Cue], sentence: str) -> float:
    return sum(cue.weight for cue in cues if cue.pattern.search(sentence))


def classify(subject: str, sentences: Sequence[str]) -> ClassScores:
    """Score ``subject`` and ``sentences`` for each class; the subject counts like a sentence."""
    result = ClassScores(
        scores={"delay_notice": 0.0, "price_change": 0.0, "other": 0.0},
        evidence={"delay_notice": [], "price_change": [], "other": []},
    )
    for sentence in [subject, *sentences] if subject else sentences:
        delay = _weight(DELAY_CUES, sentence)
        if delay and (find_durations(sentence) or mentions_date(sentence)):
            delay += 1.0
        price = _weight(PRICE_CUES, sentence)
        if delay:
            result.scores["delay_notice"] += delay
            result.evidence["delay_notice"].append(sentence)
        if price:
            result.scores["price_change"] += price
            result.evidence["price_change"].append(sentence)
    # "other" scores what is left of the threshold: high when neither class has a case
    strongest = max(result.scores["delay_notice"], result.scores["price_change"])
    result.scores["other"] = max(CLASS_THRESHOLD - strongest, 0.0)
    return result


__all__ = ["CLASSES", "ClassScores", "Classification", "classify"]
