"""Splitting mail text into sentences and guessing its language."""

from __future__ import annotations

import re

from procureflow.agents.extraction.lexicon import STOPWORDS

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|No|Nr|rev|ref|réf|approx|ca|etc|Inc|Ltd|Co|Corp|St|"
    r"z\.B|bzw|ggf|inkl|evtl|Art|art|Str|pcs|Stk|env|cf)|\b[A-Z])\.$"
)
_ORDINAL_DAY = re.compile(r"\b\d{1,2}\.$")
_MONTH_NEXT = re.compile(
    r"\s+(?:Jan|Feb|Mär|Mar|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)[a-zäé]*\b", re.IGNORECASE
)
_WORD = re.compile(r"[a-zäöüßàâçéèêëîïôûùüÿœ]+", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: soft line breaks joined, paragraphs and sentence ends split.

    Abbreviations (``Ms.``, ``rev.``, ``réf.``), numbers (``7.5``) and German ordinal days
    (``1. Januar``) do not end a sentence.
    """
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        joined = " ".join(line.strip() for line in paragraph.split("\n") if line.strip())
        if not joined:
            continue
        start = 0
        for match in re.finditer(r"[.!?](?=\s+[\"'(«]?[A-ZÄÖÜÀ-Ý0-9])", joined):
            candidate = joined[start : match.end()]
            if _ABBREVIATIONS.search(candidate):
                continue
            if _ORDINAL_DAY.search(candidate) and _MONTH_NEXT.match(joined, match.end()):
                continue  # "ab 1. Januar 2027": a German date, not a sentence end
            found.append(candidate.strip())
            start = match.end()
        rest = joined[start:].strip()
        if rest:
            found.append(rest)
    return found


def detect_language(text: str) -> str:
    """``en``, ``de`` or ``fr``: the language whose common words occur most (``en`` on a tie)."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in STOPWORDS.items()}
    return max(counts, key=lambda lang: (counts[lang], lang == "en"))


__all__ = ["detect_language", "sentences"]
