"""PDF operations on pikepdf: compress with presets, merge with bookmarks, split.

Every operation takes and returns bytes, refuses signed input unless the caller asks for
an unsigned copy (see :mod:`procureflow.documents.pdfguard`), and never touches disk.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Literal

import pikepdf

from procureflow.documents.images import ImagePreset, downsample_images
from procureflow.documents.outlines import copied_outline, top_level_starts
from procureflow.documents.pdfguard import open_pdf, refuse_if_signed, strip_signatures
from procureflow.errors import InvalidInput

CompressPreset = Literal["lossless", "email", "screen"]
PRESETS: dict[str, ImagePreset | None] = {
    "lossless": None,
    "email": ImagePreset(dpi=150, jpeg_quality=70),
    "screen": ImagePreset(dpi=100, jpeg_quality=50),
}


@dataclass(frozen=True, slots=True)
class CompressResult:
    """The compressed PDF, or the original when compression did not make it smaller."""

    data: bytes
    preset: str
    original_size: int
    size: int
    kept_original: bool
    images_resampled: int

    @property
    def ratio(self) -> float:
        """New size over original size (1.0 when the original was kept)."""
        return self.size / self.original_size if self.original_size else 1.0


@dataclass(frozen=True, slots=True)
class PdfPart:
    """One output of a split: its bytes, a label and the 1-based pages it holds."""

    data: bytes
    label: str
    pages: list[int] = field(default_factory=list)
    over_size_limit: bool = False


def _save(pdf: pikepdf.Pdf, *, compress: bool = True) -> bytes:
    out = io.BytesIO()
    pdf.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.generate
        if compress
        else pikepdf.ObjectStreamMode.preserve,
        compress_streams=True,
        recompress_flate=compress,
    )
    return out.getvalue()


def _open_unsigned(data: bytes, *, operation: str, unsigned_copy: bool, name: str) -> pikepdf.Pdf:
    refuse_if_signed(data, operation=operation, unsigned_copy=unsigned_copy, name=name)
    pdf = open_pdf(data, name=name)
    if unsigned_copy:
        strip_signatures(pdf)
    return pdf


def compress(
    data: bytes, preset: str = "lossless", *, unsigned_copy: bool = False, name: str = "PDF"
) -> CompressResult:
    """Make the PDF smaller: object streams always; for ``email`` (150 dpi, JPEG q70) and
    ``screen`` (100 dpi, q50) also downsampled images. Keeps the original if not smaller."""
    if preset not in PRESETS:
        raise InvalidInput(
            f"unknown compression preset {preset!r}: use one of {', '.join(PRESETS)}",
            subject="preset",
        )
    with _open_unsigned(data, operation="compress", unsigned_copy=unsigned_copy, name=name) as pdf:
        image_preset = PRESETS[preset]
        resampled = downsample_images(pdf, image_preset) if image_preset else 0
        result = _save(pdf)
    if len(result) >= len(data):
        return CompressResult(data, preset, len(data), len(data), True, 0)
    return CompressResult(result, preset, len(data), len(result), False, resampled)


def merge(
    sources: list[tuple[str, bytes]], *, unsigned_copy: bool = False
) -> tuple[bytes, list[dict[str, object]]]:
    """Concatenate PDFs in the given order with one top-level bookmark per source (titled
    with its name, the source's own bookmarks nested under it); returns the PDF and, per
    source, its title and first page."""
    if not sources:
        raise InvalidInput("nothing to merge: give at least one PDF", subject="merge")
    merged = pikepdf.new()
    toc: list[dict[str, object]] = []
    bookmarks: list[pikepdf.OutlineItem] = []
    opened: list[pikepdf.Pdf] = []
    try:
        for title, data in sources:
            src = _open_unsigned(data, operation="merge", unsigned_copy=unsigned_copy, name=title)
            opened.append(src)
            first = len(merged.pages)
            toc.append({"title": title, "first_page": first + 1})
            chapter = pikepdf.OutlineItem(title, first)
            chapter.children.extend(copied_outline(src, first))
            bookmarks.append(chapter)
            # Our own chapter bookmark (above) nests the source's outline; pikepdf must not
            # append the same items a second time at the top level.
            merged.add_pages_from(
                src, forms="strip" if unsigned_copy else "preserve", outlines="ignore"
            )
        with merged.open_outline() as outline:
            outline.root.extend(bookmarks)
        return _save(merged), toc
    finally:
        for src in opened:
            src.close()
        merged.close()


_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+|end)?\s*)?$")


def parse_ranges(spec: str, page_count: int) -> list[list[int]]:
    """``"1-3,4,7-end"`` → one list of 1-based pages per comma-separated item."""
    parts: list[list[int]] = []
    for item in spec.split(","):
        match = _RANGE.match(item)
        if not match:
            raise InvalidInput(
                f"bad page range {item.strip()!r}: use forms like 1-3, 5 or 7-end",
                subject="ranges",
            )
        start = int(match.group(1))
        if match.group(2) is None:
            end = page_count if "-" in item else start
        else:
            end = page_count if match.group(2) == "end" else int(match.group(2))
        if not 1 <= start <= end <= page_count:
            raise InvalidInput(
                f"page range {item.strip()!r} is outside 1-{page_count}", subject="ranges"
            )
        parts.append(list(range(start, end + 1)))
    return parts


def _extract(pdf: pikepdf.Pdf, pages: list[int]) -> bytes:
    part = pikepdf.new()
    try:
        part.add_pages_from(pdf, [number - 1 for number in pages])
        return _save(part)
    finally:
        part.close()


def split(
    data: bytes,
    *,
    ranges: str | None = None,
    every: int | None = None,
    max_bytes: int | None = None,
    by_bookmarks: bool = False,
    unsigned_copy: bool = False,
    name: str = "PDF",
) -> list[PdfPart]:
    """Split by page ranges, every N pages, by a maximum part size, or at the top-level
    bookmarks (exactly one of these)."""
    chosen = [ranges is not None, every is not None, max_bytes is not None, by_bookmarks]
    if sum(chosen) != 1:
        raise InvalidInput(
            "choose exactly one way to split: ranges, every N pages, max size or bookmarks",
            subject="split",
        )
    with _open_unsigned(data, operation="split", unsigned_copy=unsigned_copy, name=name) as pdf:
        count = len(pdf.pages)
        if ranges is not None:
            groups = [(f"pages {g[0]}-{g[-1]}", g) for g in parse_ranges(ranges, count)]
        elif every is not None:
            if every < 1:
                raise InvalidInput("every must be at least 1 page", subject="every")
            groups = [
                (
                    f"pages {s}-{min(s + every - 1, count)}",
                    list(range(s, min(s + every, count + 1))),
                )
                for s in range(1, count + 1, every)
            ]
        elif max_bytes is not None:
            return _split_by_size(pdf, max_bytes)
        else:
            groups = _bookmark_groups(pdf, count)
        return [PdfPart(_extract(pdf, pages), label, pages) for label, pages in groups]


def _bookmark_groups(pdf: pikepdf.Pdf, count: int) -> list[tuple[str, list[int]]]:
    starts = top_level_starts(pdf)
    if not starts:
        raise InvalidInput("the PDF has no top-level bookmarks to split at", subject="bookmarks")
    if starts[0][1] > 0:
        starts.insert(0, ("front matter", 0))
    groups: list[tuple[str, list[int]]] = []
    for i, (title, first) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else count
        if end > first:
            groups.append((title, list(range(first + 1, end + 1))))
    return groups


def _split_by_size(pdf: pikepdf.Pdf, max_bytes: int) -> list[PdfPart]:
    """Greedy: add pages to a part while it stays under ``max_bytes``; a single page that
    is larger on its own becomes a part flagged ``over_size_limit``."""
    if max_bytes < 1024:
        raise InvalidInput("max size must be at least 1 KiB", subject="max_bytes")
    parts: list[PdfPart] = []
    current: list[int] = []
    current_data = b""
    for number in range(1, len(pdf.pages) + 1):
        candidate = [*current, number]
        candidate_data = _extract(pdf, candidate)
        if len(candidate_data) <= max_bytes:
            current, current_data = candidate, candidate_data
            continue
        if current:
            parts.append(PdfPart(current_data, f"pages {current[0]}-{current[-1]}", current))
        single = _extract(pdf, [number])
        if len(single) > max_bytes:
            parts.append(PdfPart(single, f"pages {number}-{number}", [number], True))
            current, current_data = [], b""
        else:
            current, current_data = [number], single
    if current:
        parts.append(PdfPart(current_data, f"pages {current[0]}-{current[-1]}", current))
    return parts


def page_count(data: bytes, *, name: str = "PDF") -> int:
    """Number of pages of a PDF (which must open cleanly)."""
    with open_pdf(data, name=name) as pdf:
        return len(pdf.pages)


__all__ = [
    "PRESETS",
    "CompressPreset",
    "CompressResult",
    "PdfPart",
    "compress",
    "merge",
    "page_count",
    "parse_ranges",
    "split",
]
