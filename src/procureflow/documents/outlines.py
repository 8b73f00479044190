"""Bookmarks (the PDF outline): where each one points, and copying them into a merge."""

from __future__ import annotations

from typing import Any

import pikepdf

MAX_DEPTH = 16


class _Destinations:
    """Resolves a bookmark to the 0-based page it points at (explicit or named)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.page_index: dict[Any, int] = {page.objgen: i for i, page in enumerate(pdf.pages)}
        self.names: dict[str, Any] = {}
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            self.names = {str(k): v for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}

    def page_of(self, item: pikepdf.OutlineItem) -> int | None:
        dest: Any = item.destination
        if dest is None and item.action is not None:
            dest = item.action.get("/D")
        if isinstance(dest, pikepdf.String | pikepdf.Name | str):
            dest = self.names.get(str(dest).lstrip("/"))
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
        if isinstance(dest, pikepdf.Array) and len(dest) and hasattr(dest[0], "objgen"):
            return self.page_index.get(dest[0].objgen)
        return None


def top_level_starts(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    """(title, 0-based first page) of each top-level bookmark that points at a page."""
    resolve = _Destinations(pdf)
    starts: list[tuple[str, int]] = []
    with pdf.open_outline() as outline:
        for item in outline.root:
            index = resolve.page_of(item)
            if index is not None:
                starts.append((item.title, index))
    return sorted(starts, key=lambda pair: pair[1])


def _copy(
    items: list[pikepdf.OutlineItem], resolve: _Destinations, offset: int, depth: int
) -> list[pikepdf.OutlineItem]:
    copies = []
    for item in items:
        index = resolve.page_of(item)
        if index is None or depth > MAX_DEPTH:
            continue
        copy = pikepdf.OutlineItem(item.title, offset + index)
        copy.children.extend(_copy(list(item.children), resolve, offset, depth + 1))
        copies.append(copy)
    return copies


def copied_outline(pdf: pikepdf.Pdf, offset: int) -> list[pikepdf.OutlineItem]:
    """The bookmarks of ``pdf`` as new items whose pages are shifted by ``offset``, for a
    merged document (bookmarks that point nowhere are dropped)."""
    resolve = _Destinations(pdf)
    with pdf.open_outline() as outline:
        return _copy(list(outline.root), resolve, offset, 0)


__all__ = ["copied_outline", "top_level_starts"]
