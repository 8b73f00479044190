"""``procureflow monitors run`` with a controllable clock, and ``procureflow exceptions``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.user_store import UserStore
from procureflow.cli import exceptions, master, monitors
from procureflow.config import get_settings
from procureflow.demo import demo_data_dir

runner = CliRunner()


@pytest.fixture
def cli(
    engine: sa.Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[typer.Typer]:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    app = typer.Typer()
    master.register(app)
    app.add_typer(monitors.app, name="monitors")
    app.add_typer(exceptions.app, name="exceptions")
    result = runner.invoke(app, ["import", "suppliers", str(demo_data_dir() / "suppliers.csv")])
    assert result.exit_code == 0, result.output
    yield app
    get_settings.cache_clear()


def _json(cli: typer.Typer, *args: str) -> object:
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_pass_at_a_chosen_date_raises_and_people_work_the_queue(
    cli: typer.Typer, engine: sa.Engine
) -> None:
    UserStore(engine, SqlAuditLog(engine)).add("carla", roles=["category_manager"])
    (run,) = _json(cli, "monitors", "run", "--monitor", "certificates", "--as-of", "2027-01-15")
    assert run["monitor"] == "certificates" and run["as_of"].startswith("2027-01-15")
    assert run["looked_at"]["suppliers"] > 0
    assert sum(run["found"]["by_reason"].values()) == run["found"]["findings"] > 0
    opened = _json(cli, "exceptions", "list")
    assert len(opened) == run["actions"]["exceptions_opened"] == run["found"]["findings"]
    huaxin = [e for e in opened if e["subject"]["id"] == "SUP-HUAXIN/ISO 14001"]
    assert huaxin and huaxin[0]["reason_code"] == "certificate.expiring"

    again = _json(cli, "monitors", "run", "--monitor", "certificates", "--as-of", "2027-01-16")
    assert again[0]["actions"].get("exceptions_opened", 0) == 0
    assert len(_json(cli, "exceptions", "list")) == len(opened), "no flood on a second pass"

    target = huaxin[0]["id"]
    acked = _json(cli, "exceptions", "ack", target, "--as", "carla")
    assert acked["status"] == "acknowledged" and acked["acked_by"] == "carla"
    done = _json(
        cli, "exceptions", "resolve", target, "--as", "carla", "--note", "renewal requested"
    )
    assert done["status"] == "resolved" and done["resolution"] == {"note": "renewal requested"}
    assert target not in {e["id"] for e in _json(cli, "exceptions", "list")}
    unknown = runner.invoke(cli, ["exceptions", "ack", target, "--as", "nobody"])
    assert unknown.exit_code == 1 and "nobody" in unknown.output


def test_bad_input_is_one_line_and_changes_nothing(cli: typer.Typer) -> None:
    bad_date = runner.invoke(cli, ["monitors", "run", "--as-of", "next tuesday"])
    assert bad_date.exit_code == 1
    assert "--as-of 'next tuesday' is not a date" in bad_date.output
    bad_name = runner.invoke(cli, ["monitors", "run", "--monitor", "weather"])
    assert bad_name.exit_code == 1 and "unknown monitor 'weather'" in bad_name.output
    bad_json = runner.invoke(
        cli, ["exceptions", "resolve", "ex-1", "--as", "a", "--resolution", "{"]
    )
    assert bad_json.exit_code == 1 and "--resolution is not JSON" in bad_json.output
    assert _json(cli, "monitors", "runs") == []
    assert _json(cli, "exceptions", "list", "--status", "all") == []
