"""Checking master-data rows without a database: cells, headers, duplicates, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procureflow.domain.master import REQUIRED_HEADERS, ImportContext, RowsRejected, build_records
from procureflow.domain.master.cells import (
    CellError,
    read_certifications,
    read_locode,
    reject_formula,
)
from procureflow.errors import ImportRejected

CTX = ImportContext(base_currency="EUR")
FX = list(REQUIRED_HEADERS["fx"])


@pytest.mark.parametrize(
    "text", ["=SUM(A1:A3)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1", "=1"]
)
def test_formula_looking_cells_are_refused(text: str) -> None:
    with pytest.raises(CellError, match="spreadsheet formula"):
        reject_formula(text)


@pytest.mark.parametrize("text", ["-3.5", "+4", "-0.25", "1e3", "ACME", ""])
def test_plain_numbers_and_text_pass(text: str) -> None:
    reject_formula(text)


def test_locodes_and_certifications() -> None:
    assert read_locode(" de ham ") == "DEHAM"
    assert read_locode("CNSZX") == "CNSZX"
    for bad in ("HAMBURG", "DE-HAM", "D1HAM", "DEHA"):
        with pytest.raises(CellError, match="UN/LOCODE"):
            read_locode(bad)
    certs = read_certifications("ISO 9001@2027-05-31; IATF 16949@2026-01-15;")
    assert [(c.name, c.expiry) for c in certs] == [
        ("ISO 9001", date(2027, 5, 31)),
        ("IATF 16949", date(2026, 1, 15)),
    ]
    assert not certs[1].is_valid_on(date(2026, 1, 16)) and certs[1].is_valid_on(date(2026, 1, 15))
    for bad in ("ISO 9001", "ISO 9001@31.05.2027", "@2027-05-31"):
        with pytest.raises(CellError, match="certification"):
            read_certifications(bad)


def test_base_currency_must_be_one_and_rates_positive() -> None:
    with pytest.raises(RowsRejected) as caught:
        build_records(
            "fx",
            "fx.csv",
            FX,
            [(2, ["EUR", "1.1", "2026-11-20"]), (3, ["USD", "0", "2026-11-20"])],
            CTX,
        )
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "rate_to_base"),
        (3, "rate_to_base"),
    ]
    assert "EUR is the base currency" in caught.value.problems[0].message


def test_every_bad_row_is_listed_and_blank_rows_are_skipped() -> None:
    rows = [
        (2, ["USD", "0.92", "2026-11-20"]),
        (3, ["", "", ""]),
        (4, ["usd", "0.93", "2026-11-20"]),
        (5, ["GBP", "abc", "2026-11-20"]),
        (6, ["CHF", "1.06", "2026-13-01"]),
    ]
    with pytest.raises(RowsRejected) as caught:
        build_records("fx", "fx.csv", FX, rows, CTX)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (4, "date"),
        (5, "rate_to_base"),
        (6, "date"),
    ]
    assert "duplicate USD/2026-11-20 (first on row 2)" in caught.value.problems[0].message
    assert str(caught.value).startswith("fx.csv row 4 column date: duplicate")
    assert "(and 2 more problems)" in str(caught.value)


def test_extra_cells_beyond_the_header_and_duplicate_headers_are_refused() -> None:
    with pytest.raises(RowsRejected, match="has 4 cells but the header has 3"):
        build_records("fx", "fx.csv", FX, [(2, ["USD", "0.92", "2026-11-20", "stray"])], CTX)
    with pytest.raises(RowsRejected, match="header appears twice"):
        build_records("fx", "fx.csv", [*FX, "date"], [(2, ["USD", "0.92", "2026-11-20", "x"])], CTX)


def test_lane_modes_take_common_synonyms() -> None:
    header = list(REQUIRED_HEADERS["lanes"])
    (lane,) = build_records(
        "lanes", "l.csv", header, [(2, ["DEDUS", "DEHAM", "Barge", "0.04", "4", ""])], CTX
    )
    assert lane.mode == "inland_waterway"  # type: ignore[union-attr]
    assert lane.co2e_factor() > Decimal(0)  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=5), max_size=6))
def test_any_cells_give_records_or_a_located_rejection(cells: list[list[str]]) -> None:
    rows = list(enumerate(cells, start=2))
    try:
        records = build_records("fx", "fx.csv", FX, rows, CTX)
    except RowsRejected as exc:
        assert exc.problems and all(
            p.describe("fx.csv").startswith("fx.csv row ") for p in exc.problems
        )
    except ImportRejected:
        raise AssertionError(
            "a file with the right header is refused only with located problems"
        ) from None
    else:
        assert len(records) == sum(1 for row in cells if any(c.strip() for c in row))
