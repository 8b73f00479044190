"""Which items of the item master a mail is about: by SKU code, exactly or nearly, or by
description.

1. *exact* — a token equal to a SKU (case-insensitive);
2. *fuzzy* — a code-like token (letters and digits) equal to a SKU once punctuation is
   ignored (``PCB-CTRL4`` → ``PCB-CTRL-4``) or within :data:`CODE_CUTOFF` similarity;
3. *description* — only when no code matched: the item descriptions most similar to a
   sentence of the mail (at least :data:`DESCRIPTION_CUTOFF`, and within 3 points of the
   best, so one sibling part does not drag in the rest of its family).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from procureflow.domain.master import Item

CODE_CUTOFF = 90.0
DESCRIPTION_CUTOFF = 85.0
_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9](?![\w])")

MatchKind = Literal["exact", "fuzzy", "description"]


@dataclass(frozen=True, slots=True)
class SkuHit:
    """An item the mail refers to, how it was recognised and the words that matched."""

    sku: str
    kind: MatchKind
    score: float
    text: str


def _squash(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


def _code_like(token: str) -> bool:
    return len(token) >= 5 and any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def match_skus(text: str, sentences: Sequence[str], items: Sequence[Item]) -> list[SkuHit]:
    """The items ``text`` mentions, best evidence first, each item once."""
    by_code = {item.sku.upper(): item for item in items}
    by_squashed = {_squash(item.sku): item for item in items}
    squashed_keys = list(by_squashed)
    hits: dict[str, SkuHit] = {}
    for match in _TOKEN.finditer(text):
        token = match.group(0).rstrip(".")
        exact = by_code.get(token.upper())
        if exact is not None:
            hits.setdefault(exact.sku, SkuHit(exact.sku, "exact", 100.0, token))
            continue
        if not _code_like(token):
            continue
        squashed = _squash(token)
        near = by_squashed.get(squashed)
        score = 100.0
        if near is None and squashed_keys:
            best = process.extractOne(
                squashed, squashed_keys, scorer=fuzz.ratio, score_cutoff=CODE_CUTOFF
            )
            if best is not None:
                near, score = by_squashed[best[0]], float(best[1])
        if near is not None and near.sku not in hits:
            hits[near.sku] = SkuHit(near.sku, "fuzzy", round(score, 1), token)
    if hits:
        return sorted(hits.values(), key=lambda h: (-h.score, h.sku))
    return _by_description(sentences, items)


def _by_description(sentences: Sequence[str], items: Sequence[Item]) -> list[SkuHit]:
    scored: list[SkuHit] = []
    for item in items:
        best_score, best_sentence = 0.0, ""
        description = item.description.lower()
        for sentence in sentences:
            score = float(fuzz.partial_ratio(description, sentence.lower()))
            if score > best_score:
                best_score, best_sentence = score, sentence
        if best_score >= DESCRIPTION_CUTOFF:
            scored.append(SkuHit(item.sku, "description", round(best_score, 1), best_sentence))
    if not scored:
        return []
    top = max(h.score for h in scored)
    return sorted((h for h in scored if h.score >= top - 3), key=lambda h: (-h.score, h.sku))


__all__ = ["CODE_CUTOFF", "DESCRIPTION_CUTOFF", "MatchKind", "SkuHit", "match_skus"]
