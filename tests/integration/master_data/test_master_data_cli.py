"""``procureflow import KIND FILE`` and ``procureflow ingest email FILE.eml`` end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.cli import ingest, master
from procureflow.config import get_settings
from procureflow.demo import demo_data_dir, demo_emails_dir

runner = CliRunner()


@pytest.fixture
def cli(
    engine: sa.Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[typer.Typer]:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PROCUREFLOW_LLM_MODEL", raising=False)
    get_settings.cache_clear()
    app = typer.Typer()
    master.register(app)
    app.add_typer(ingest.app, name="ingest")
    yield app
    get_settings.cache_clear()


def _import_demo(cli: typer.Typer) -> None:
    for kind in ("suppliers", "items", "offers", "contracts", "lanes", "fx"):
        result = runner.invoke(
            cli, ["import", kind, str(demo_data_dir() / f"{kind}.csv"), "--json"]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["kind"] == kind


def test_import_prints_counts_and_refuses_a_bad_file_in_one_line(
    cli: typer.Typer, engine: sa.Engine, tmp_path: Path
) -> None:
    _import_demo(cli)
    human = runner.invoke(cli, ["import", "items", str(demo_data_dir() / "items.csv")])
    assert (
        human.exit_code == 0
        and "imported 12 items from items.csv: 0 new, 12 updated" in human.stdout
    )
    bad = tmp_path / "items.csv"
    bad.write_text(
        "sku,description,category,critical,unit,unit_weight_kg,on_hand,safety_stock,daily_demand\n"
        "NEW-1,New part,misc,false,pcs,1,10,1,1\n"
        "NEW-2,Other part,misc,maybe,pcs,1,10,1,1\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["import", "items", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: items.csv row 3 column critical: is not a yes/no value: 'maybe' (use true or false); "
        "nothing from this file was imported"
    ]
    assert MasterDataRepository(engine).load().item("NEW-1") is None


def test_ingest_email_json_shows_classification_and_every_extracted_field(cli: typer.Typer) -> None:
    _import_demo(cli)
    result = runner.invoke(
        cli,
        ["ingest", "email", str(demo_emails_dir() / "03_delay_fr_dufresne_seals.eml"), "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["classification"] == "delay_notice"
    assert (data["supplier_id"], data["unknown_sender"]) == ("SUP-DUFRESNE", False)
    assert [i["sku"] for i in data["items"]] == ["SEAL-MC-35"]
    assert data["po_numbers"] == ["PO-2026-0405"]
    assert data["delay"]["days"] == 21 and data["delay"]["stated_as"] == "trois semaines"
    assert data["force_majeure"] is True and "grève" in data["reason"]
    assert data["impacts"][0]["stock_out_date"] == "2026-12-08"
    assert data["email"]["text_source"] == "text/html"
    assert data["decision"]["choice"] == "delay_notice"


def test_ingest_email_without_master_data_reports_the_unknown_sender(cli: typer.Typer) -> None:
    result = runner.invoke(
        cli, ["ingest", "email", str(demo_emails_dir() / "01_delay_en_huaxin_motors.eml")]
    )
    assert result.exit_code == 0, result.output
    assert "UNKNOWN SENDER (huaxin-motors.example)" in result.stdout


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (bytes(range(256)) * 40, "is binary data"),
        (
            b"From: a@huaxin-motors.example\r\nContent-Type: multipart/mixed\r\n\r\nno boundary here\r\n",
            "broken MIME structure",
        ),
        (
            b"From: a@huaxin-motors.example\r\n"
            b'Content-Type: multipart/alternative; boundary="q"\r\n\r\n'
            b"--q\r\nContent-Type: text/plain\r\n\r\nMTR-7K5-400 is delayed by 2 weeks.\r\n"
            b"--q\r\nContent-Type: text/html\r\n\r\n<p>MTR-7K5-400 is del",
            "broken MIME structure",
        ),
    ],
)
def test_an_unreadable_mail_is_one_line_and_kept_in_quarantine(
    cli: typer.Typer, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.eml"
    path.write_bytes(content)
    result = runner.invoke(cli, ["ingest", "email", str(path)])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: bad.eml: ") and reason in line
    kept = [
        p
        for p in (tmp_path / "data" / "documents" / "quarantine").iterdir()
        if not p.name.endswith(".txt")
    ]
    assert [p.read_bytes() for p in kept] == [content]


def test_a_mail_over_the_size_limit_is_refused_before_parsing(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCUREFLOW_EMAIL_MAX_BYTES", "1000")
    path = tmp_path / "big.eml"
    path.write_bytes(b"From: a@b.example\r\nSubject: x\r\n\r\n" + b"A" * 2000)
    result = runner.invoke(cli, ["ingest", "email", str(path)])
    assert result.exit_code == 1
    assert "the limit is 1000 bytes" in result.output


def test_a_read_mail_is_kept_in_the_document_store(cli: typer.Typer, tmp_path: Path) -> None:
    from procureflow.adapters.storage import LocalContentStore

    path = demo_emails_dir() / "07_delay_unknown_sender.eml"
    result = runner.invoke(cli, ["ingest", "email", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unknown_sender"] is True
    store = LocalContentStore(tmp_path / "data" / "documents")
    assert store.get(data["email"]["sha256"]) == path.read_bytes()
