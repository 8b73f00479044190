"""Importing master-data files into a real database: all rows or none, errors that say where."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.importers import MasterDataImporter, import_demo_master_data
from procureflow.demo import demo_files
from procureflow.domain.master import ImportContext, RowsRejected, Supplier
from procureflow.errors import ImportRejected

SUPPLIER_HEADER = (
    "supplier_id,name,email_domains,location,country,approved,esg_score,altman_z,"
    "certifications,payment_terms"
)


@pytest.fixture
def importer(engine: sa.Engine) -> MasterDataImporter:
    return MasterDataImporter(engine, ImportContext(base_currency="EUR"))


def _suppliers(*rows: str, header: str = SUPPLIER_HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")


GOOD_ROW = "S-1,Acme Motors,acme.example;acme-group.example,DEHAM,DE,true,71.5,-0.4,ISO 9001@2027-05-31,2/10 net 30"


def test_demo_files_import_completely_and_read_back_exactly(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    results = import_demo_master_data(importer)
    assert [r.kind for r in results] == ["suppliers", "items", "offers", "contracts", "lanes", "fx"]
    assert all(r.rows == r.created > 0 for r in results)
    data = MasterDataRepository(engine).load()
    motor = data.item("MTR-7K5-400")
    assert motor is not None and motor.critical and motor.daily_demand == Decimal("40")
    assert motor.extra == {"drawing_no": "NP-4711-M"}
    volta = data.supplier_for_domain("volta-group.example")
    assert volta is not None and volta.supplier_id == "SUP-VOLTA"
    assert {o.supplier_id for o in data.offers_for("MTR-7K5-400")} >= {"SUP-KOWALSKI", "SUP-VOLTA"}
    jpy = [o for o in data.offers if o.currency == "JPY"]
    assert jpy and all(isinstance(o.unit_price, Decimal) for o in jpy)
    no_ld = next(k for k in data.contracts if k.contract_id == "K-2026-003")
    assert no_ld.ld_rate_pct_per_week is None and no_ld.ld_cap_pct is None
    lanes_without_factor = [lane for lane in data.lanes if lane.co2e_kg_per_tkm is None]
    assert lanes_without_factor and {lane.mode for lane in data.lanes} >= {"sea", "air", "road"}
    factors = {(lane.origin, lane.mode): lane.co2e_factor() for lane in data.lanes}
    assert factors[("FRLYS", "road")] == Decimal("0.075")  # the file's own figure
    assert factors[("CNSZX", "air")] > factors[("CNSZX", "sea")] > 0  # documented defaults
    continents = {s.country for s in data.suppliers}
    assert {"CN", "US", "DE"} <= continents


def test_a_supplier_row_reads_every_column_and_keeps_extra_ones(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    content = _suppliers(GOOD_ROW + ",motors", header=SUPPLIER_HEADER + ",category")
    importer.import_bytes("suppliers", content, "suppliers.csv")
    (supplier,) = MasterDataRepository(engine).records("suppliers")
    assert isinstance(supplier, Supplier)
    assert supplier.email_domains == ("acme.example", "acme-group.example")
    assert supplier.altman_z == Decimal("-0.4")  # a plain negative number is not a formula
    assert [str(c) for c in supplier.certifications] == ["ISO 9001@2027-05-31"]
    assert supplier.extra == {"category": "motors"}


@pytest.mark.parametrize(
    ("rows", "where", "why"),
    [
        ((GOOD_ROW, GOOD_ROW.replace("DEHAM", "HAMBURG")), "row 3 column location", "UN/LOCODE"),
        (
            (GOOD_ROW, GOOD_ROW.replace("2027-05-31", "2027-02-30")),
            "row 3 column certifications",
            "expiry",
        ),
        (
            (GOOD_ROW, GOOD_ROW.replace("S-1", "S-2").replace("71.5", "abc")),
            "row 3 column esg_score",
            "not a number",
        ),
        ((GOOD_ROW, GOOD_ROW), "row 3 column supplier_id", "first on row 2"),
        (
            (GOOD_ROW.replace("Acme Motors", '"=HYPERLINK(""http://x"",""y"")"'),),
            "row 2 column name",
            "formula",
        ),
        ((GOOD_ROW.replace("Acme Motors", "@SUM(A1)"),), "row 2 column name", "formula"),
        (
            (GOOD_ROW.replace("2/10 net 30", "whenever"),),
            "row 2 column payment_terms",
            "payment terms",
        ),
        (
            (GOOD_ROW.replace("acme.example;", "not a domain;"),),
            "row 2 column email_domains",
            "domain",
        ),
        ((GOOD_ROW.replace(",DE,", ",FR,"),), "row 2 column country", "location DEHAM is in DE"),
    ],
)
def test_a_bad_cell_rejects_the_whole_file_naming_row_and_column(
    importer: MasterDataImporter, engine: sa.Engine, rows: tuple[str, ...], where: str, why: str
) -> None:
    with pytest.raises(RowsRejected) as caught:
        importer.import_bytes("suppliers", _suppliers(*rows), "suppliers.csv")
    message = str(caught.value)
    assert message.startswith(f"suppliers.csv {where}")
    assert why in message
    assert "nothing from this file was imported" in message
    assert MasterDataRepository(engine).count("suppliers") == 0


def test_a_bad_date_in_a_later_row_leaves_stored_data_untouched(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    for kind, name, content in demo_files()[:2]:
        importer.import_bytes(kind, content, name)
    header = (
        "contract_id,supplier_id,title,category,value,currency,start_date,end_date,"
        "payment_terms,ld_rate_pct_per_week,ld_cap_pct"
    )
    good = "K-1,SUP-HUAXIN,Motors,motors,1000,USD,2026-01-01,2026-12-31,net 60,0.5,5"
    bad = "K-2,SUP-HUAXIN,Motors,motors,1000,USD,2026-01-01,31.12.2026,net 60,0.5,5"
    with pytest.raises(RowsRejected, match=r"contracts.csv row 3 column end_date: is not a date"):
        importer.import_bytes("contracts", f"{header}\n{good}\n{bad}\n".encode(), "contracts.csv")
    assert MasterDataRepository(engine).count("contracts") == 0
    assert MasterDataRepository(engine).count("suppliers") == 13


def test_missing_columns_are_named(importer: MasterDataImporter) -> None:
    header = SUPPLIER_HEADER.replace(",altman_z", "").replace(",approved", "")
    with pytest.raises(RowsRejected) as caught:
        importer.import_bytes("suppliers", _suppliers("x", header=header), "s.csv")
    assert "s.csv row 1 column approved, altman_z: missing required columns" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "file is empty"),
        (b"   \n", "file is empty"),
        (SUPPLIER_HEADER.encode() + b"\n", "no data rows"),
        (_suppliers(GOOD_ROW.replace("Acme", "Bäcker")).decode().encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
    ],
)
def test_empty_headerless_and_wrongly_encoded_files_are_refused(
    importer: MasterDataImporter, engine: sa.Engine, content: bytes, why: str
) -> None:
    with pytest.raises(ImportRejected, match=why):
        importer.import_bytes("suppliers", content, "suppliers.csv")
    assert MasterDataRepository(engine).count("suppliers") == 0


def test_offers_must_name_known_suppliers_and_items(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    for kind, name, content in demo_files()[:2]:
        importer.import_bytes(kind, content, name)
    header = "supplier_id,sku,unit_price,currency,lead_time_days,capacity_per_week,min_order_qty"
    rows = "SUP-VOLTA,MTR-7K5-400,1,EUR,3,4,5\nSUP-NOBODY,MTR-7K5-400,1,EUR,3,4,5\nSUP-VOLTA,NO-SKU,1,EUR,3,4,5"
    with pytest.raises(RowsRejected) as caught:
        importer.import_bytes("offers", f"{header}\n{rows}\n".encode(), "offers.csv")
    assert str(caught.value).startswith(
        "offers.csv row 3 column supplier_id: unknown supplier 'SUP-NOBODY'"
    )
    assert [p.row for p in caught.value.problems] == [3, 4]
    assert MasterDataRepository(engine).count("offers") == 0


def test_reimport_updates_rows_and_is_audited(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    importer.import_bytes("suppliers", _suppliers(GOOD_ROW), "suppliers.csv")
    second = importer.import_bytes(
        "suppliers",
        _suppliers(GOOD_ROW.replace("Acme Motors", "Acme Motors AG")),
        "suppliers-v2.csv",
    )
    assert (second.created, second.updated) == (0, 1)
    (supplier,) = MasterDataRepository(engine).records("suppliers")
    assert isinstance(supplier, Supplier) and supplier.name == "Acme Motors AG"
    entries = list(SqlAuditLog(engine).entries("master-data"))
    assert [e.payload["source"] for e in entries] == ["suppliers.csv", "suppliers-v2.csv"]
    assert SqlAuditLog(engine).verify().ok


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_first_sheet_imports_with_typed_cells(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    from datetime import date

    content = _xlsx(
        [
            ["currency", "rate_to_base", "date", "note"],
            ["USD", 0.921, date(2026, 11, 20), "ref"],
            ["EUR", 1, date(2026, 11, 20), None],
        ]
    )
    result = importer.import_bytes("fx", content, "fx.xlsx")
    assert result.rows == 2
    rates = {r.currency: r for r in MasterDataRepository(engine).load().fx_rates}
    assert rates["USD"].rate_to_base == Decimal("0.921")
    assert rates["USD"].extra == {"note": "ref"}


def test_xlsx_formula_cell_is_refused(importer: MasterDataImporter, engine: sa.Engine) -> None:
    content = _xlsx([["currency", "rate_to_base", "date"], ["USD", "=1/0.92", "2026-11-20"]])
    with pytest.raises(
        RowsRejected, match=r"fx.xlsx row 2 column rate_to_base: looks like a spreadsheet formula"
    ):
        importer.import_bytes("fx", content, "fx.xlsx")
    assert MasterDataRepository(engine).count("fx") == 0


def test_a_broken_xlsx_is_refused(importer: MasterDataImporter) -> None:
    with pytest.raises(ImportRejected, match="not a readable XLSX"):
        importer.import_bytes("items", b"PK\x03\x04garbage", "items.xlsx")


def test_unknown_kind_lists_the_known_ones(importer: MasterDataImporter) -> None:
    with pytest.raises(
        ImportRejected, match="known: suppliers, items, offers, contracts, lanes, fx"
    ):
        importer.import_bytes("vendors", b"a,b\n1,2\n", "v.csv")


def test_the_agents_snapshot_follows_every_import(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    repository = MasterDataRepository(engine)
    importer.import_bytes("suppliers", _suppliers(GOOD_ROW), "suppliers.csv")
    first = repository.load()
    assert repository.load() is first  # unchanged tables: the same snapshot
    importer.import_bytes(
        "suppliers",
        _suppliers(GOOD_ROW.replace("acme.example;", "acme.example;acme.test;")),
        "s2.csv",
    )
    again = MasterDataRepository(engine).load()
    assert again is not first
    supplier = again.supplier_for_domain("acme.test")
    assert supplier is not None and supplier.supplier_id == "S-1"


def test_gaps_for_planning_are_warned_about_without_refusing_the_file(engine: sa.Engine) -> None:
    importer = MasterDataImporter(
        engine, ImportContext(base_currency="EUR", plant_location="DEHAM")
    )
    for kind, name, content in demo_files()[:3]:
        result = importer.import_bytes(kind, content, name)
    assert kind == "offers"
    assert result.warnings == ("no FX rate for CHF, GBP, JPY, USD: import fx before planning",)
    header = "origin,destination,mode,cost_per_kg,transit_days,co2e_kg_per_tkm"
    lanes = importer.import_bytes(
        "lanes", f"{header}\nCNSZX,NLRTM,sea,0.35,34,\n".encode(), "lanes.csv"
    )
    assert lanes.warnings == ("no lane ends at the plant DEHAM: freight to it cannot be routed",)
    assert MasterDataRepository(engine).count("lanes") == 1
    complete = [
        importer.import_bytes(kind, content, name) for kind, name, content in demo_files()[4:]
    ]
    assert all(r.warnings == () for r in complete)
    audited = list(SqlAuditLog(engine).entries("master-data"))[2].payload
    assert audited["warnings"] == list(result.warnings)


def test_a_file_over_50_mb_is_refused_unread(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    from procureflow.adapters.importers import MAX_FILE_BYTES

    huge = _suppliers(GOOD_ROW) + b"#" * MAX_FILE_BYTES
    with pytest.raises(ImportRejected, match=f"the limit is {MAX_FILE_BYTES}"):
        importer.import_bytes("suppliers", huge, "suppliers.csv")
    assert MasterDataRepository(engine).count("suppliers") == 0


def test_semicolon_separated_csv_with_byte_order_mark_is_read(
    importer: MasterDataImporter, engine: sa.Engine
) -> None:
    content = "\ufeffcurrency;rate_to_base;date\r\nUSD;0.92;2026-11-20\r\n".encode()
    assert importer.import_bytes("fx", content, "fx.csv").rows == 1
    (rate,) = MasterDataRepository(engine).load().fx_rates
    assert (rate.currency, rate.rate_to_base) == ("USD", Decimal("0.92"))


def test_a_lane_between_unknown_places_is_warned_about_by_row_not_refused(
    engine: sa.Engine,
) -> None:
    importer = MasterDataImporter(
        engine, ImportContext(base_currency="EUR", plant_location="DEHAM")
    )
    header = "origin,destination,mode,cost_per_kg,transit_days,co2e_kg_per_tkm,distance_km"
    rows = "\n".join(
        [
            "CNSZX,DEHAM,sea,0.38,36,,",  # both places known: measured from coordinates
            "XXQQQ,DEHAM,road,0.20,3,,",  # unknown place, no distance: cannot be measured
            "XXQQQ,DEFRA,air,4.00,2,,950",  # unknown place, distance given: fine
        ]
    )
    result = importer.import_bytes("lanes", f"{header}\n{rows}\n".encode(), "lanes.csv")
    assert result.rows == 3 and MasterDataRepository(engine).count("lanes") == 3
    assert result.warnings == (
        "lanes.csv row 3: no coordinates for UN/LOCODE XXQQQ and no distance_km: "
        "routing will leave this lane out until one is given",
    )
