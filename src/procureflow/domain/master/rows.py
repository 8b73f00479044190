"""From the rows of a master-data file to records, all or nothing.

Each kind has documented required headers (extra columns are allowed and kept in the
record's ``extra``). Every row is checked; if any cell is bad, nothing of the file is
accepted and :class:`RowsRejected` names the file, the row (the header is row 1, as a
spreadsheet counts) and the column of each problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from procureflow.domain.master import cells as c
from procureflow.domain.master.records import (
    Contract,
    FxRate,
    Item,
    Lane,
    MasterRecord,
    Offer,
    Supplier,
)
from procureflow.errors import ImportRejected

T = TypeVar("T")
_MODES = ("road", "rail", "sea", "inland_waterway", "air")
_MODE_ALIASES = {
    "truck": "road",
    "lorry": "road",
    "train": "rail",
    "ocean": "sea",
    "ship": "sea",
    "vessel": "sea",
    "barge": "inland_waterway",
    "inland waterway": "inland_waterway",
    "waterway": "inland_waterway",
    "air freight": "air",
    "plane": "air",
}
_ZERO = Decimal(0)

REQUIRED_HEADERS: dict[str, tuple[str, ...]] = {
    "suppliers": (
        "supplier_id",
        "name",
        "email_domains",
        "location",
        "country",
        "approved",
        "esg_score",
        "altman_z",
        "certifications",
        "payment_terms",
    ),
    "items": (
        "sku",
        "description",
        "category",
        "critical",
        "unit",
        "unit_weight_kg",
        "on_hand",
        "safety_stock",
        "daily_demand",
    ),
    "offers": (
        "supplier_id",
        "sku",
        "unit_price",
        "currency",
        "lead_time_days",
        "capacity_per_week",
        "min_order_qty",
    ),
    "contracts": (
        "contract_id",
        "supplier_id",
        "title",
        "category",
        "value",
        "currency",
        "start_date",
        "end_date",
        "payment_terms",
        "ld_rate_pct_per_week",
        "ld_cap_pct",
    ),
    "lanes": ("origin", "destination", "mode", "cost_per_kg", "transit_days", "co2e_kg_per_tkm"),
    "fx": ("currency", "rate_to_base", "date"),
}
"""The columns each kind of file must have, in the documented order (order is free)."""

KINDS: tuple[str, ...] = tuple(REQUIRED_HEADERS)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with a file: where (row, column) and why."""

    row: int
    column: str | None
    message: str

    def describe(self, source: str) -> str:
        """``FILE row R column C: reason``: what a person needs to fix it."""
        where = f"{source} row {self.row}"
        if self.column:
            where += f" column {self.column}"
        return f"{where}: {self.message}"


class RowsRejected(ImportRejected):
    """A master-data file refused as a whole; ``problems`` lists every bad cell found."""

    def __init__(self, source: str, problems: Sequence[ImportProblem]) -> None:
        first = problems[0].describe(source)
        more = len(problems) - 1
        message = first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
        super().__init__(message + "; nothing from this file was imported", subject=source)
        self.source = source
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class ImportContext:
    """Settings a file is checked against: the base currency and the plant's UN/LOCODE."""

    base_currency: str
    plant_location: str | None = None


class _BadCell(Exception):
    pass


class _Row:
    """The cells of one row by column name; ``take`` reads one and notes the column of a failure."""

    def __init__(self, number: int, cells: dict[str, str], problems: list[ImportProblem]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems

    def take(self, column: str, reader: Callable[..., T], **kwargs: Any) -> T:
        """The cell of ``column`` read by ``reader``; a failure is noted and skips the row."""
        try:
            return reader(self.cells.get(column, ""), **kwargs)
        except c.CellError as exc:
            self.fail(column, str(exc))
        raise AssertionError("unreachable")

    def fail(self, column: str | None, message: str) -> None:
        """Note a problem in ``column`` of this row and skip the rest of the row."""
        self.problems.append(ImportProblem(self.number, column, message))
        raise _BadCell


def _extra(row: _Row, kind: str) -> dict[str, str]:
    required = REQUIRED_HEADERS[kind]
    return {k: v for k, v in row.cells.items() if k not in required}


def _supplier(row: _Row, _ctx: ImportContext) -> Supplier:
    location = row.take("location", c.read_locode)
    country = row.take("country", c.read_country)
    if location[:2] != country:
        row.fail("country", f"is {country} but location {location} is in {location[:2]}")
    return Supplier(
        supplier_id=row.take("supplier_id", c.read_id),
        name=row.take("name", c.read_text),
        email_domains=row.take("email_domains", c.read_email_domains),
        location=location,
        country=country,
        approved=row.take("approved", c.read_bool),
        esg_score=row.take("esg_score", c.read_decimal, minimum=_ZERO, maximum=Decimal(100)),
        altman_z=row.take("altman_z", c.read_decimal),
        certifications=row.take("certifications", c.read_certifications),
        payment_terms=row.take("payment_terms", c.read_payment_terms),
        extra=_extra(row, "suppliers"),
    )


def _item(row: _Row, _ctx: ImportContext) -> Item:
    return Item(
        sku=row.take("sku", c.read_id),
        description=row.take("description", c.read_text),
        category=row.take("category", c.read_text),
        critical=row.take("critical", c.read_bool),
        unit=row.take("unit", c.read_text),
        unit_weight_kg=row.take("unit_weight_kg", c.read_decimal, minimum=_ZERO),
        on_hand=row.take("on_hand", c.read_decimal, minimum=_ZERO),
        safety_stock=row.take("safety_stock", c.read_decimal, minimum=_ZERO),
        daily_demand=row.take("daily_demand", c.read_decimal, minimum=_ZERO),
        extra=_extra(row, "items"),
    )


def _offer(row: _Row, _ctx: ImportContext) -> Offer:
    return Offer(
        supplier_id=row.take("supplier_id", c.read_id),
        sku=row.take("sku", c.read_id),
        unit_price=row.take("unit_price", c.read_decimal, minimum=_ZERO),
        currency=row.take("currency", c.read_currency),
        lead_time_days=row.take("lead_time_days", c.read_int, minimum=0),
        capacity_per_week=row.take("capacity_per_week", c.read_decimal, minimum=_ZERO),
        min_order_qty=row.take("min_order_qty", c.read_decimal, minimum=_ZERO),
        extra=_extra(row, "offers"),
    )


def _contract(row: _Row, _ctx: ImportContext) -> Contract:
    start = row.take("start_date", c.read_date)
    end = row.take("end_date", c.read_date)
    if end < start:
        row.fail("end_date", f"{end.isoformat()} is before start_date {start.isoformat()}")
    return Contract(
        contract_id=row.take("contract_id", c.read_id),
        supplier_id=row.take("supplier_id", c.read_id),
        title=row.take("title", c.read_text),
        category=row.take("category", c.read_text),
        value=row.take("value", c.read_decimal, minimum=_ZERO),
        currency=row.take("currency", c.read_currency),
        start_date=start,
        end_date=end,
        payment_terms=row.take("payment_terms", c.read_payment_terms),
        ld_rate_pct_per_week=row.take(
            "ld_rate_pct_per_week", c.read_optional_decimal, minimum=_ZERO
        ),
        ld_cap_pct=row.take("ld_cap_pct", c.read_optional_decimal, minimum=_ZERO),
        extra=_extra(row, "contracts"),
    )


def _read_mode(text: str) -> str:
    mode = text.strip().lower().replace("-", " ")
    mode = _MODE_ALIASES.get(mode, mode)
    if mode not in _MODES:
        raise c.CellError(f"is not a transport mode: {text.strip()!r} (one of {', '.join(_MODES)})")
    return mode


def _lane(row: _Row, _ctx: ImportContext) -> Lane:
    origin = row.take("origin", c.read_locode)
    destination = row.take("destination", c.read_locode)
    if origin == destination:
        row.fail("destination", f"is the same as origin {origin}")
    return Lane(
        origin=origin,
        destination=destination,
        mode=row.take("mode", _read_mode),
        cost_per_kg=row.take("cost_per_kg", c.read_decimal, minimum=_ZERO),
        transit_days=row.take("transit_days", c.read_int, minimum=0),
        co2e_kg_per_tkm=row.take("co2e_kg_per_tkm", c.read_optional_decimal, minimum=_ZERO),
        extra=_extra(row, "lanes"),
    )


def _fx(row: _Row, ctx: ImportContext) -> FxRate:
    currency = row.take("currency", c.read_currency)
    rate = row.take("rate_to_base", c.read_decimal)
    if rate <= 0:
        row.fail("rate_to_base", f"must be greater than 0, got {rate}")
    if currency == ctx.base_currency and rate != 1:
        row.fail("rate_to_base", f"{currency} is the base currency; its rate must be 1, got {rate}")
    return FxRate(
        currency=currency,
        rate_to_base=rate,
        date=row.take("date", c.read_date),
        extra=_extra(row, "fx"),
    )


_BUILDERS: dict[str, Callable[[_Row, ImportContext], MasterRecord]] = {
    "suppliers": _supplier,
    "items": _item,
    "offers": _offer,
    "contracts": _contract,
    "lanes": _lane,
    "fx": _fx,
}


def record_key(record: MasterRecord) -> tuple[str, ...]:
    """The identity of a record within its kind: what an upsert matches on."""
    if isinstance(record, Supplier):
        return (record.supplier_id,)
    if isinstance(record, Item):
        return (record.sku,)
    if isinstance(record, Offer):
        return (record.supplier_id, record.sku)
    if isinstance(record, Contract):
        return (record.contract_id,)
    if isinstance(record, Lane):
        return (record.origin, record.destination, record.mode)
    return (record.currency, record.date.isoformat())


_KEY_COLUMNS = {
    "suppliers": "supplier_id",
    "items": "sku",
    "offers": "sku",
    "contracts": "contract_id",
    "lanes": "mode",
    "fx": "date",
}


def check_kind(kind: str) -> str:
    """The kind, normalised; an unknown kind is refused with the list of known ones."""
    normalised = kind.strip().lower()
    if normalised not in REQUIRED_HEADERS:
        raise ImportRejected(f"unknown master-data kind {kind!r}; known: {', '.join(KINDS)}")
    return normalised


def _check_headers(source: str, kind: str, headers: Sequence[str]) -> list[str]:
    names = [h.strip().lower() for h in headers]
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(ImportProblem(1, name, "header appears twice"))
        seen.add(name)
    missing = [h for h in REQUIRED_HEADERS[kind] if h not in seen]
    if missing:
        problems.append(
            ImportProblem(
                1,
                ", ".join(missing),
                f"missing required column{'s' if len(missing) > 1 else ''} for {kind} "
                f"(required: {','.join(REQUIRED_HEADERS[kind])})",
            )
        )
    for index, name in enumerate(names):
        if not name and any(h.strip() for h in headers[index + 1 :]):
            problems.append(ImportProblem(1, f"#{index + 1}", "header is empty"))
    if problems:
        raise RowsRejected(source, problems)
    return names


def build_records(
    kind: str,
    source: str,
    headers: Sequence[str],
    rows: Iterable[tuple[int, Sequence[str]]],
    context: ImportContext,
    *,
    max_problems: int = 50,
) -> list[MasterRecord]:
    """Every record of a file, or :class:`RowsRejected` listing what is wrong.

    ``rows`` yields ``(row number, cell texts)``; blank rows are skipped. Checks: required
    headers, cell types, formula-looking cells, duplicate ids within the file, a file
    without data rows.
    """
    kind = check_kind(kind)
    if not any(h.strip() for h in headers):
        raise RowsRejected(source, [ImportProblem(1, None, "file is empty: no header row")])
    names = _check_headers(source, kind, headers)
    build = _BUILDERS[kind]
    records: list[MasterRecord] = []
    problems: list[ImportProblem] = []
    first_row: dict[tuple[str, ...], int] = {}
    for number, values in rows:
        if not any(v.strip() for v in values):
            continue
        row = _Row(number, {}, problems)
        try:
            if len(values) > len(names) and any(v.strip() for v in values[len(names) :]):
                row.fail(None, f"has {len(values)} cells but the header has {len(names)}")
            row.cells = {
                n: (values[i] if i < len(values) else "") for i, n in enumerate(names) if n
            }
            for column, text in row.cells.items():
                _formula(row, column, text)
            record = build(row, context)
            key = record_key(record)
            if key in first_row:
                row.fail(
                    _KEY_COLUMNS[kind],
                    f"duplicate {'/'.join(key)} (first on row {first_row[key]})",
                )
            first_row[key] = number
            records.append(record)
        except _BadCell:
            if len(problems) >= max_problems:
                break
    if problems:
        raise RowsRejected(source, problems)
    if not records:
        raise RowsRejected(source, [ImportProblem(2, None, "has a header but no data rows")])
    return records


def _formula(row: _Row, column: str, text: str) -> None:
    try:
        c.reject_formula(text)
    except c.CellError as exc:
        row.fail(column, str(exc))


__all__ = [
    "KINDS",
    "REQUIRED_HEADERS",
    "ImportContext",
    "ImportProblem",
    "RowsRejected",
    "build_records",
    "check_kind",
    "record_key",
]
