"""Turn a DOCX or PDF contract into located text blocks and tables.

A DOCX paragraph is located by its number (``paragraph 7``, counting non-empty
paragraphs); a PDF line by its page (``page 2``). Tables keep their rows of cells so a
milestone schedule can be read column by column.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

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


def read_docx(data: bytes, name: str) -> ContractText:
    """Paragraphs and tables of a DOCX, in document order."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentRejected(f"not a readable DOCX file: {exc}", subject=name) from exc
    blocks: list[Block] = []
    number = 0
    for paragraph in document.paragraphs:
        text = _clean(paragraph.text)
        if text:
            number += 1
            blocks.append(Block(f"paragraph {number}", text))
    tables = []
    for index, table in enumerate(document.tables, start=1):
        rows = tuple(tuple(_clean(cell.text) for cell in row.cells) for row in table.rows)
        tables.append(Table(f"table {index}", rows))
    return ContractText(tuple(blocks), tuple(tables))


def read_pdf(data: bytes, name: str) -> ContractText:
    """Text lines and tables of a PDF, page by page."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if b"%%EOF" not in data[-2048:]:
        raise DocumentRejected("PDF is truncated (no end-of-file marker)", subject=name)
    blocks: list[Block] = []
    tables: list[Table] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                where = f"page {page_number}"
                for line in (page.extract_text() or "").splitlines():
                    text = _clean(line)
                    if text:
                        blocks.append(Block(where, text))
                for raw in page.extract_tables():
                    rows = tuple(tuple(_clean(cell or "") for cell in row) for row in raw)
                    if rows:
                        tables.append(Table(where, rows))
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


__all__ = ["Block", "ContractText", "Table", "read_contract", "read_docx", "read_pdf"]
