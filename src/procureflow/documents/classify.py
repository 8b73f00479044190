"""Which kind of document is this (contract, NDA, purchase order, …)? Rules on the text,
with an optional hook for a language model when the rules are not sure."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pdfplumber

from procureflow.errors import DocumentRejected

# category → (pattern, weight); title-like phrases weigh more than words in passing.
RULES: dict[str, list[tuple[str, float]]] = {
    "nda": [
        (r"non[- ]?disclosure agreement", 5),
        (r"confidentiality agreement", 4),
        (r"confidential information", 2),
        (r"\bnda\b", 2),
    ],
    "purchase_order": [
        (r"purchase order", 5),
        (r"\bpo (number|no\.?|#)", 3),
        (r"ship to", 1),
        (r"order date", 1),
    ],
    "statement_of_work": [
        (r"statement of work", 5),
        (r"\bsow\b", 2),
        (r"deliverables", 1),
        (r"milestones?", 1),
    ],
    "contract": [
        (r"\b(supply|framework|service|master|purchase) agreement", 5),
        (r"\bcontract\b", 2),
        (r"liquidated damages", 2),
        (r"governing law", 1),
        (r"term and termination", 1),
        (r"the parties", 1),
    ],
    "invoice": [
        (r"\binvoice (number|no\.?|date)", 5),
        (r"amount due", 2),
        (r"\bvat\b", 1),
    ],
}
MIN_SCORE = 3.0


@dataclass(frozen=True, slots=True)
class Classification:
    """The chosen category, every category's score and the phrases that decided it."""

    category: str
    score: float
    scores: dict[str, float]
    evidence: list[str] = field(default_factory=list)
    method: str = "rules"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "category": self.category,
            "score": self.score,
            "scores": self.scores,
            "evidence": self.evidence,
            "method": self.method,
        }


LlmClassifier = Callable[[str, list[str]], str | None]
"""Optional hook: (text, categories) → a category, or None when it cannot tell."""


def document_text(data: bytes, *, max_pages: int = 5) -> str:
    """Plain text of a PDF (first pages) or DOCX, for classification."""
    if data.startswith(b"%PDF-"):
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                return "\n".join((page.extract_text() or "") for page in pdf.pages[:max_pages])
        except Exception as exc:  # pdfminer raises many unrelated types on bad files
            raise DocumentRejected(
                f"cannot read the PDF's text: {exc}", subject="classify"
            ) from exc
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" in archive.namelist():
                xml = archive.read("word/document.xml").decode("utf-8", "replace")
                return re.sub(r"<[^>]+>", " ", xml.replace("</w:p>", "\n"))
    raise DocumentRejected("can classify only PDF and DOCX documents", subject="classify")


def classify_text(text: str, *, llm: LlmClassifier | None = None) -> Classification:
    """The category whose rules score highest; ``other`` when none reaches the minimum
    (then ``llm``, if given, gets a say)."""
    lowered = " ".join(text.lower().split())
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for category, rules in RULES.items():
        total = 0.0
        for pattern, weight in rules:
            hits = len(re.findall(pattern, lowered))
            if hits:
                total += weight * min(hits, 3)
                evidence.setdefault(category, []).append(pattern)
        scores[category] = total
    best = max(scores, key=lambda c: scores[c])
    if scores[best] >= MIN_SCORE:
        return Classification(best, scores[best], scores, evidence.get(best, []))
    if llm is not None:
        guess = llm(text[:8000], list(RULES))
        if guess in RULES:
            return Classification(guess, scores[guess], scores, [], method="llm")
    return Classification("other", 0.0, scores, [])


__all__ = ["RULES", "Classification", "LlmClassifier", "classify_text", "document_text"]
