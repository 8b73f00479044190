"""The figures of an evaluation: per-field precision and recall, a confusion table for
classes, the cases that went wrong, and each target beside its figure."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field, computed_field


class FieldScore(BaseModel):
    """How well one field was read or decided over all cases.

    A case counts as a true positive when the field was expected and produced equal to
    the label, a false positive when produced but wrong or not expected, and a false
    negative when expected but missing or wrong.
    """

    field: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        produced = self.true_positives + self.false_positives
        return 1.0 if produced == 0 else self.true_positives / produced

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return 1.0 if expected == 0 else self.true_positives / expected


class FieldTally:
    """Collects :class:`FieldScore` figures while cases are compared."""

    def __init__(self) -> None:
        self._scores: dict[str, FieldScore] = {}

    def compare(self, field: str, expected: object, actual: object) -> bool:
        """Count one case of ``field``; True when the produced value is right.

        ``None`` means "not expected" (label) or "not produced" (actual).
        """
        score = self._scores.setdefault(field, FieldScore(field=field))
        if expected is None and actual is None:
            return True
        if expected is not None and actual == expected:
            score.true_positives += 1
            return True
        if actual is not None:
            score.false_positives += 1
        if expected is not None:
            score.false_negatives += 1
        return False

    def scores(self) -> list[FieldScore]:
        return [self._scores[name] for name in sorted(self._scores)]


class Confusion(BaseModel):
    """Counts of (expected class, predicted class) pairs."""

    labels: list[str]
    counts: dict[str, dict[str, int]]

    @classmethod
    def of(cls, pairs: list[tuple[str, str]]) -> Confusion:
        labels = sorted({label for pair in pairs for label in pair})
        tally = Counter(pairs)
        return cls(
            labels=labels,
            counts={e: {p: tally[(e, p)] for p in labels if tally[(e, p)]} for e in labels},
        )


class Target(BaseModel):
    """A figure with the target it must reach."""

    name: str
    value: float
    target: float
    met: bool


class CaseFailure(BaseModel):
    """One case where a field or decision differed from its label."""

    case: str
    field: str
    expected: object
    actual: object


class KindReport(BaseModel):
    """The evaluation of one kind of decision (mails, contracts or plans)."""

    kind: str
    cases: int
    fields: list[FieldScore] = Field(default_factory=list)
    confusion: Confusion | None = None
    targets: list[Target] = Field(default_factory=list)
    failures: list[CaseFailure] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def targets_met(self) -> bool:
        return all(t.met for t in self.targets)


class CorpusReport(BaseModel):
    """Every kind evaluated in one corpus."""

    reports: list[KindReport]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def targets_met(self) -> bool:
        return all(r.targets_met for r in self.reports)


def field_accuracy(fields: list[FieldScore]) -> float:
    """Share of expected field values that were produced right (micro-averaged)."""
    right = sum(f.true_positives for f in fields)
    expected = sum(f.true_positives + f.false_negatives for f in fields)
    return 1.0 if expected == 0 else right / expected


def target(name: str, value: float, at_least: float) -> Target:
    """A figure that must be at least ``at_least``."""
    return Target(name=name, value=round(value, 4), target=at_least, met=value >= at_least)


__all__ = [
    "CaseFailure",
    "Confusion",
    "CorpusReport",
    "FieldScore",
    "FieldTally",
    "KindReport",
    "Target",
    "field_accuracy",
    "target",
]
