"""Supplier mail polled from a real IMAP server (Dovecot on loopback) starts the playbooks:
``procureflow ingest imap --once`` against a running engine."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from procureflow.adapters.imap_poller import ImapSettings
from procureflow.cli import ingest
from procureflow.config import get_settings
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import demo_mail, prepare, wait_for
from tests.integration.master_data.test_imap_poller import _deliver, imap_server  # noqa: F401

runner = CliRunner()


@pytest.fixture
def cli(
    runtime: Services,
    imap_server: ImapSettings,  # noqa: F811  (the Dovecot fixture of the intake tests)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[typer.Typer]:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.setenv("PROCUREFLOW_IMAP_HOST", str(imap_server.host))
    monkeypatch.setenv("PROCUREFLOW_IMAP_PORT", str(imap_server.port))
    monkeypatch.setenv("PROCUREFLOW_IMAP_TLS", "false")
    monkeypatch.setenv("PROCUREFLOW_IMAP_USERNAME", imap_server.username)
    monkeypatch.setenv("PROCUREFLOW_IMAP_PASSWORD", imap_server.password.get_secret_value())
    monkeypatch.delenv("PROCUREFLOW_LLM_MODEL", raising=False)
    get_settings.cache_clear()
    prepare(runtime)
    app = typer.Typer()
    app.add_typer(ingest.app, name="ingest")
    yield app
    get_settings.cache_clear()


def test_polled_notices_start_their_playbooks_once(
    cli: typer.Typer,
    runtime: Services,
    imap_server: ImapSettings,  # noqa: F811
) -> None:
    _deliver(
        imap_server,
        demo_mail(),
        demo_mail("05_price_change_midwest_bearings.eml"),
        demo_mail("06_other_trade_fair_invitation.eml"),
    )
    result = runner.invoke(cli, ["ingest", "imap", "--once", "--json"])
    assert result.exit_code == 0, result.output
    readings = json.loads(result.stdout)["readings"]
    started = {r["classification"]: (r["playbook"] or {}).get("playbook") for r in readings}
    assert started == {
        "delay_notice": "supply-disruption",
        "price_change": "price-change",
        "other": None,
    }
    for reading in readings:
        for instance_id in (reading["playbook"] or {}).get("started", []):
            assert wait_for(runtime, instance_id, "waiting", "faulted")["status"] == "waiting"
    # the same mail again (delivered anew) starts nothing
    _deliver(imap_server, demo_mail())
    again = runner.invoke(cli, ["ingest", "imap", "--once", "--json"])
    assert again.exit_code == 0, again.output
    (reading,) = json.loads(again.stdout)["readings"]
    assert reading["playbook"]["duplicate"] is True
    assert len(runtime.instances.list_instances()) == 2
