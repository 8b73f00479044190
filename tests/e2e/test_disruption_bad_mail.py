"""``procureflow ingest email`` with mail that cannot be read: refused in one line, kept in
quarantine, and no playbook started; a readable delay notice starts one (once)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from procureflow.cli import ingest
from procureflow.config import get_settings
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import demo_mail, prepare, wait_for

runner = CliRunner()

BAD_MAIL = {
    "empty": (b"", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    "broken-mime": (
        b"From: li.wei@huaxin-motors.example\r\nSubject: Delay\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nno boundary at all\r\n",
        "boundary",
    ),
    # a delay notice whose last part was cut in transit: the text part alone would read
    # as a delay, but what arrived is not the whole mail
    "cut-last-part": (
        b"From: li.wei@huaxin-motors.example\r\nSubject: Delay\r\n"
        b'Content-Type: multipart/mixed; boundary="k"\r\n\r\n'
        b"--k\r\nContent-Type: text/plain\r\n\r\nMTR-7K5-400 is delayed by 3 weeks.\r\n"
        b"--k\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"\r\nJVBERi0xLjQKJ",
        "broken mime structure",
    ),
}


@pytest.fixture
def cli(runtime: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    """The ingest commands against the running engine's database (like a server is up)."""
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(runtime.settings.data_dir))
    monkeypatch.delenv("PROCUREFLOW_LLM_MODEL", raising=False)
    get_settings.cache_clear()
    prepare(runtime)
    app = typer.Typer()
    app.add_typer(ingest.app, name="ingest")
    yield app
    get_settings.cache_clear()


def _quarantined(runtime: Services) -> list[Path]:
    folder = Path(runtime.settings.data_dir) / "documents" / "quarantine"
    return sorted(p for p in folder.iterdir() if not p.name.endswith(".txt"))


def _nothing_started(runtime: Services) -> None:
    assert runtime.events.recent() == []
    assert runtime.instances.list_instances() == []


@pytest.mark.parametrize("case", sorted(BAD_MAIL))
def test_unreadable_mail_is_refused_kept_and_starts_nothing(
    cli: typer.Typer, runtime: Services, tmp_path: Path, case: str
) -> None:
    content, words = BAD_MAIL[case]
    path = tmp_path / f"{case}.eml"
    path.write_bytes(content)
    result = runner.invoke(cli, ["ingest", "email", str(path)])
    assert result.exit_code == 1
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and words in message.lower(), message
    assert [p.read_bytes() for p in _quarantined(runtime)] == [content]
    _nothing_started(runtime)


def test_a_fifty_megabyte_mail_is_refused_kept_and_starts_nothing(
    cli: typer.Typer, runtime: Services, tmp_path: Path
) -> None:
    path = tmp_path / "huge.eml"
    header = b"From: li.wei@huaxin-motors.example\r\nSubject: Delay\r\n\r\n"
    path.write_bytes(header + b"A" * (50 * 1024 * 1024))
    result = runner.invoke(cli, ["ingest", "email", str(path)])
    assert result.exit_code == 1
    assert "limit" in result.output and len(result.output.strip().splitlines()) == 1
    kept = _quarantined(runtime)
    assert len(kept) == 1  # the store keeps its beginning (capped), with a note saying why
    assert path.read_bytes().startswith(kept[0].read_bytes()[:1024])
    note = kept[0].with_name(kept[0].name + ".reason.txt").read_text("utf-8")
    assert "limit" in note
    _nothing_started(runtime)


def test_a_delay_notice_starts_the_playbook_once(
    cli: typer.Typer, runtime: Services, tmp_path: Path
) -> None:
    path = tmp_path / "huaxin.eml"
    path.write_bytes(demo_mail())
    result = runner.invoke(cli, ["ingest", "email", str(path), "--json"])
    assert result.exit_code == 0, result.output
    started = json.loads(result.stdout)["playbook"]
    assert started["playbook"] == "supply-disruption" and len(started["started"]) == 1
    data = wait_for(runtime, started["started"][0], "waiting", "faulted")
    assert data["status"] == "waiting" and data["playbook"] == "supply-disruption"
    again = runner.invoke(cli, ["ingest", "email", str(path)])
    assert again.exit_code == 0 and "ingested before: nothing started" in again.output
    assert len(runtime.instances.list_instances()) == 1


def test_a_possible_delay_is_raised_for_a_person_and_starts_no_playbook(
    cli: typer.Typer, runtime: Services, tmp_path: Path
) -> None:
    path = tmp_path / "maybe.eml"
    path.write_bytes(
        b"From: Li Wei <li.wei@huaxin-motors.example>\r\nSubject: Vessel space\r\n"
        b"Date: Mon, 23 Nov 2026 09:00:00 +0800\r\n\r\n"
        b"Dear Ms. Berger, the MTR-7K5-400 on PO-2026-0412 might miss the vessel;\r\n"
        b"the shipping line has not confirmed our space yet.\r\n"
    )
    result = runner.invoke(cli, ["ingest", "email", str(path), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["classification"] == "other" and body["needs_person"] is True
    raised = body["playbook"]["exception"]
    assert raised["created"] and body["playbook"]["started"] == []
    assert runtime.instances.list_instances() == []
    human = runner.invoke(cli, ["ingest", "email", str(path)])
    assert human.exit_code == 0
    said = " ".join(human.output.split())
    assert f"raised for a person as exception {raised['id']} (raised before" in said
