"""Turn a DOCX or PDF contract into located text blocks and tables.

A DOCX paragraph is located by its number (``paragraph 7``, counting non-empty
paragraphs); a PDF line by its page (``page 2``). Tables keep their rows of cells so a
milestone schedule can be read column by column.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from procureflow.errors import DocumentRejected

MAX_CONTRACT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Block:
    """One paragraph (DOCX) or line (PDF) of text and where it is."""

    location: str
    text: str


@dataclass(frozen=True)
class Table:
    """A table: its location and its rows of cell texts (first row usually the header)."""

    location: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ContractText:
    """The readable content of a contract."""

    blocks: tuple[Block, ...]
    tables: tuple[Table, ...]


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def key_value_rows(location: str, rows: tuple[tuple[str, ...], ...]) -> list[Block]:
    """The rows of a two-column key-term table as ``key: value`` blocks.

    Contracts often put parties, value, dates and terms in a table ("Supplier | Volta
    Antriebe GmbH"); as a line of prose the same rules read them as they read
    ``Supplier: Volta Antriebe GmbH``. Other tables (schedules) stay tables only.
    """
    if not rows or any(len({c for c in row if c}) > 2 or len(row) != 2 for row in rows):
        return []
    return [
        Block(f"{location}, row {number}", f"{key}: {value}" if value != key else key)
        for number, (key, value) in enumerate(rows)
        if key or value
    ]


def read_docx(data: bytes, name: str) -> ContractText:
    """Paragraphs and tables of a DOCX, in document order (key-term table rows as blocks)."""
    import docx
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentRejected(f"not a readable DOCX file: {exc}", subject=name) from exc
    blocks: list[Block] = []
    tables: list[Table] = []
    number = 0
    for part in document.iter_inner_content():
        if isinstance(part, DocxTable):
            rows = tuple(tuple(_clean(cell.text) for cell in row.cells) for row in part.rows)
            table = Table(f"table {len(tables) + 1}", rows)
            tables.append(table)
            blocks.extend(key_value_rows(table.location, rows))
            continue
        text = _clean(part.text)
        if text:
            number += 1
            blocks.append(Block(f"paragraph {number}", text))
    return ContractText(tuple(blocks), tuple(tables))


def _inside(line: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    middle = (float(line["top"]) + float(line["bottom"])) / 2
    return box[1] <= middle <= box[3] and box[0] - 1 <= float(line["x0"]) <= box[2]


def _paragraphs(lines: list[dict[str, Any]], page_width: float) -> list[str]:
    """Lines of running text joined into paragraphs.

    A PDF breaks sentences into lines, and a term is stated in a sentence ("takes effect
    on … and remains in force until …"). A line runs on into the next when it reaches
    the right edge of the text (the widest line, and at least most of the width between
    the margins: a page of short lines has no wrapped ones) and the next follows at
    ordinary line spacing; a short line or a wider gap ends the paragraph.
    """
    if not lines:
        return []
    left = min(line["x0"] for line in lines)
    right = max(max(line["x1"] for line in lines), left + 0.7 * (page_width - 2 * left))
    paragraphs: list[str] = []
    current = ""
    previous: dict[str, Any] | None = None
    for line in lines:
        text = _clean(line["text"])
        if not text:
            continue
        if previous is not None and current:
            height = previous["bottom"] - previous["top"]
            full = previous["x1"] >= left + 0.8 * (right - left)
            close = line["top"] - previous["bottom"] <= 0.6 * height
            if full and close:
                current += " " + text
                previous = line
                continue
            paragraphs.append(current)
        current, previous = text, line
    if current:
        paragraphs.append(current)
    return paragraphs


def _page_content(page: Any, where: str) -> tuple[list[Block], list[Table]]:
    """One PDF page: running text as paragraphs, key-term table rows as ``key: value``
    blocks, other tables' lines as they are (each row its own block), in page order."""
    found = [
        (t.bbox, tuple(tuple(_clean(c or "") for c in row) for row in t.extract()))
        for t in page.find_tables()
    ]
    blocks: list[Block] = []
    running: list[dict[str, Any]] = []
    started: set[int] = set()
    for line in page.extract_text_lines():
        index = next((i for i, t in enumerate(found) if _inside(line, t[0])), None)
        if index is None:
            running.append(line)
            continue
        blocks.extend(Block(where, text) for text in _paragraphs(running, float(page.width)))
        running = []
        key_values = key_value_rows(where, found[index][1])
        if index not in started:
            started.add(index)
            blocks.extend(key_values)
        if not key_values and _clean(line["text"]):
            blocks.append(Block(where, _clean(line["text"])))
    blocks.extend(Block(where, text) for text in _paragraphs(running, float(page.width)))
    return blocks, [Table(where, rows) for _box, rows in found if rows]


def read_pdf(data: bytes, name: str) -> ContractText:
    """Paragraphs and tables of a PDF, page by page (key-term table rows as blocks)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if b"%%EOF" not in data[-2048:]:
        raise DocumentRejected("PDF is truncated (no end-of-file marker)", subject=name)
    blocks: list[Block] = []
    tables: list[Table] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                page_blocks, page_tables = _page_content(page, f"page {page_number}")
                blocks.extend(page_blocks)
                tables.extend(page_tables)
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise DocumentRejected(f"not a readable PDF: {exc}", subject=name) from exc
    if not blocks:
        raise DocumentRejected(
            "PDF has no text layer (a scan?); contract terms cannot be read", subject=name
        )
    return ContractText(tuple(blocks), tuple(tables))


def read_contract(data: bytes, name: str) -> ContractText:
    """Read a DOCX or PDF contract (detected from its content, not its name)."""
    if len(data) > MAX_CONTRACT_BYTES:
        raise DocumentRejected(
            f"file is {len(data)} bytes, above the limit of {MAX_CONTRACT_BYTES} bytes",
            subject=name,
        )
    if not data:
        raise DocumentRejected("file is empty", subject=name)
    if data.startswith(b"%PDF-"):
        return read_pdf(data, name)
    if data.startswith(b"PK\x03\x04"):
        from procureflow.documents.office_input import office_kind

        kind = office_kind(data, name=name)
        if kind != "docx":
            raise DocumentRejected(
                f"a {kind.upper()} file; contracts are read from DOCX or PDF", subject=name
            )
        return read_docx(data, name)
    raise DocumentRejected("not a DOCX or PDF file", subject=name)


__all__ = [
    "Block",
    "ContractText",
    "Table",
    "key_value_rows",
    "read_contract",
    "read_docx",
    "read_pdf",
]
