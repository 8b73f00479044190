"""Reading a CSV or XLSX file into a header and numbered rows of cell texts.

CSV must be UTF-8 (a byte-order mark is allowed); the delimiter may be ``,``, ``;`` or a
tab (decided from the header line). XLSX: the first sheet, header on row 1. Cells come
back as text so that one set of checks serves both formats: numbers as written, dates as
``YYYY-MM-DD``, booleans as ``true``/``false``; an XLSX formula comes back as its formula
text (``=...``), which the row checks refuse.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from procureflow.errors import ImportRejected

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest master-data file accepted: larger ones are refused before they are parsed."""


@dataclass(frozen=True, slots=True)
class TabularFile:
    """A file's header and its data rows as ``(row number, cells)``; the header is row 1."""

    source: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


def read_tabular(content: bytes, source: str) -> TabularFile:
    """Read ``content`` as XLSX when it is a zip (or named ``.xlsx``), else as CSV."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportRejected(
            f"file is {len(content)} bytes; the limit is {MAX_FILE_BYTES}", subject=source
        )
    if not content.strip():
        raise ImportRejected("file is empty", subject=source)
    suffix = PurePath(source).suffix.lower()
    if content[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(content, source)
    return _read_csv(content, source)


def _read_csv(content: bytes, source: str) -> TabularFile:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            f"is not UTF-8 text (byte 0x{content[exc.start]:02x} at offset {exc.start}); "
            "save the file as CSV UTF-8",
            subject=source,
        ) from None
    if "\x00" in text:
        raise ImportRejected("contains NUL bytes: not a text CSV file", subject=source)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        lines = list(reader)
    except csv.Error as exc:
        raise ImportRejected(f"is not valid CSV: {exc}", subject=source) from None
    if not lines:
        raise ImportRejected("file is empty", subject=source)
    headers = [h.strip() for h in lines[0]]
    rows = [(number, line) for number, line in enumerate(lines[1:], start=2)]
    return TabularFile(source, headers, rows)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # the shortest text that reads back as the same float, without exponent noise
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number, "f")
    return str(value)


def _read_xlsx(content: bytes, source: str) -> TabularFile:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(f"is not a readable XLSX workbook: {exc}", subject=source) from None
    try:
        if not book.worksheets:
            raise ImportRejected("workbook has no sheet", subject=source)
        sheet = book.worksheets[0]
        lines: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise ImportRejected("first sheet is empty", subject=source)
        headers = [_cell_text(h).strip() for h in header]
        while headers and not headers[-1]:
            headers.pop()
        rows = [
            (number, [_cell_text(v) for v in line]) for number, line in enumerate(lines, start=2)
        ]
    finally:
        book.close()
    return TabularFile(source, headers, rows)


__all__ = ["MAX_FILE_BYTES", "TabularFile", "read_tabular"]
