"""Measuring the agents' decisions against a labelled corpus.

A corpus is a folder with one sub-folder per kind of decision (``mails/``,
``contracts/``, ``plans/``); each kind has its own module here exposing
``evaluate(folder: Path) -> KindReport``. :func:`evaluate_corpus` runs every kind the
corpus holds and returns one :class:`CorpusReport` with the figures and whether each
target was met. ``procureflow agents eval CORPUS --json`` prints it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from procureflow.errors import InvalidInput
from procureflow.evaluation.report import CorpusReport, KindReport

# kind (the corpus sub-folder) -> module under procureflow.evaluation with evaluate()
KINDS: dict[str, str] = {
    "mails": "mails",
    "contracts": "contracts",
    "plans": "plans",
}


def evaluate_kind(kind: str, folder: Path) -> KindReport:
    """Score one kind of decision on the cases in ``folder``."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown corpus kind {kind!r} (known: {', '.join(KINDS)})")
    name = f"procureflow.evaluation.{KINDS[kind]}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise InvalidInput(f"no evaluator for {kind!r} yet") from None
    report: KindReport = module.evaluate(folder)
    return report


def evaluate_corpus(corpus: Path) -> CorpusReport:
    """Every kind whose sub-folder exists in ``corpus``, scored."""
    if not corpus.is_dir():
        raise InvalidInput(f"corpus folder not found: {corpus}")
    kinds = [kind for kind in KINDS if (corpus / kind).is_dir()]
    if not kinds:
        raise InvalidInput(
            f"{corpus} holds none of the corpus folders {', '.join(k + '/' for k in KINDS)}"
        )
    return CorpusReport(reports=[evaluate_kind(kind, corpus / kind) for kind in kinds])


__all__ = ["KINDS", "CorpusReport", "KindReport", "evaluate_corpus", "evaluate_kind"]
