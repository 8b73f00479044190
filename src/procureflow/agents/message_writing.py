"""Supplier messages written by a language model, checked before they are used.

Where a model is configured, free-text supplier messages (requests for quote) are
rewritten by it from the product's own draft. The model's text is used only when it
keeps every fragment that carries meaning — links, order and request numbers, item
codes, quantities — exactly as in the draft; otherwise, or when the model fails, the
draft goes out unchanged. A supplier therefore never receives a link, number or
quantity that the product did not produce.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class MessageWriter(Protocol):
    """Rewrites a draft message for a supplier (a language model behind it)."""

    def write(self, *, purpose: str, draft: str) -> str:
        """The rewritten message; may raise when the model cannot be reached."""
        ...


def written_message(
    writer: MessageWriter | None, *, purpose: str, draft: str, required: Sequence[str]
) -> tuple[str, str]:
    """``(text, source)``: the writer's text when it keeps every ``required`` fragment
    verbatim (source ``"llm"``), else the draft (source ``"template"``)."""
    if writer is None:
        return draft, "template"
    try:
        text = writer.write(purpose=purpose, draft=draft)
    except Exception:  # an outside model failing must not stop a supplier message
        return draft, "template"
    if not isinstance(text, str) or not text.strip():
        return draft, "template"
    if any(fragment and fragment not in text for fragment in required):
        return draft, "template"
    return text.strip() + "\n", "llm"


__all__ = ["MessageWriter", "written_message"]
