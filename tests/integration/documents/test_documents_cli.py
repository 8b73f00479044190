"""``procureflow docs`` and ``procureflow keys`` as an operator uses them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from procureflow.cli import docs, keys
from procureflow.config import get_settings
from tests.factories_documents import renamed_binary, text_pdf


@pytest.fixture
def workdir(
    engine: sa.Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PROCUREFLOW_KEYSTORE_PASSPHRASE", "cli test passphrase")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_keys_init_then_sign_and_verify(workdir: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(keys.app, ["init", "--organisation", "CLI Buyer", "--json"])
    assert created.exit_code == 0, created.output
    aliases = [k["alias"] for k in json.loads(created.stdout)]
    assert aliases[0] == "org-ca" and "contract-finance" in aliases
    listed = json.loads(runner.invoke(keys.app, ["list", "--json"]).stdout)
    assert [k["fingerprint_sha256"] for k in listed] == [
        k["fingerprint_sha256"] for k in json.loads(created.stdout)
    ]

    contract = workdir / "msa.pdf"
    contract.write_bytes(text_pdf(2, "Master services agreement"))
    signed = runner.invoke(docs.app, ["sign", str(contract), "--category", "contract", "--json"])
    assert signed.exit_code == 0, signed.output
    out = Path(json.loads(signed.stdout)["written"])
    assert out == workdir / "msa.signed.pdf"

    verified = runner.invoke(docs.app, ["verify", str(out), "--json"])
    assert verified.exit_code == 0
    report = json.loads(verified.stdout)
    assert report["valid"] and [s["trusted"] for s in report["signatures"]] == [True, True]

    tampered = bytearray(out.read_bytes())
    at = tampered.index(b"/MediaBox") + 14  # a digit of the first page's size
    tampered[at] = ord("7") if tampered[at] != ord("7") else ord("8")
    broken = workdir / "msa.tampered.pdf"
    broken.write_bytes(bytes(tampered))
    rejected = runner.invoke(docs.app, ["verify", str(broken), "--json"])
    assert rejected.exit_code == 1
    assert json.loads(rejected.stdout)["valid"] is False

    refused = runner.invoke(docs.app, ["compress", str(out)])
    assert refused.exit_code == 1
    assert "would rewrite a signed PDF" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_bad_input_is_one_line_and_non_zero(workdir: Path) -> None:
    fake = workdir / "contract.docx"
    fake.write_bytes(renamed_binary())
    result = CliRunner().invoke(docs.app, ["convert", str(fake)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: contract.docx: not a DOCX, ODT or RTF file: it looks like an executable program"
    )
    assert not (workdir / "contract.pdf").exists()


def test_profiles_can_be_listed_and_replaced_from_a_file(workdir: Path) -> None:
    runner = CliRunner()
    listed = json.loads(runner.invoke(docs.app, ["profiles", "--json"]).stdout)
    nda = next(p for p in listed if p["name"] == "nda-legal")
    nda["signer_name"] = "Robin Counsel"
    nda["placement"]["page"] = 1
    source = workdir / "nda-legal.json"
    source.write_text(json.dumps(nda))
    saved = runner.invoke(docs.app, ["profile-set", str(source), "--json"])
    assert saved.exit_code == 0, saved.output
    again = json.loads(runner.invoke(docs.app, ["profiles", "--json"]).stdout)
    assert next(p for p in again if p["name"] == "nda-legal")["signer_name"] == "Robin Counsel"
    nda["name"] = "Not A Valid Name"
    source.write_text(json.dumps(nda))
    bad = runner.invoke(docs.app, ["profile-set", str(source)])
    assert bad.exit_code == 1 and "name: String should match pattern" in bad.stderr


def test_step_by_step_co_signing_from_the_command_line(workdir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(keys.app, ["init"]).exit_code == 0
    contract = workdir / "supply.pdf"
    contract.write_bytes(text_pdf(1, "Supply agreement"))
    opened = runner.invoke(
        docs.app, ["open-session", str(contract), "--category", "contract", "--json"]
    )
    assert opened.exit_code == 0, opened.output
    session = json.loads(opened.stdout)
    assert Path(session["written"]) == workdir / "supply.draft.pdf"
    out_of_turn = runner.invoke(
        docs.app, ["sign-next", session["id"], "--profile", "contract-finance"]
    )
    assert out_of_turn.exit_code == 1 and "contract-procurement's turn" in out_of_turn.stderr
    first = runner.invoke(docs.app, ["sign-next", session["id"], "-o", str(workdir / "s1.pdf")])
    assert first.exit_code == 0 and "next: contract-finance" in first.stdout
    second = runner.invoke(
        docs.app, ["sign-next", session["id"], "-o", str(workdir / "s2.pdf"), "--json"]
    )
    assert json.loads(second.stdout)["status"] == "completed"
    shown = runner.invoke(docs.app, ["session", session["id"]])
    assert "signed by contract-procurement, contract-finance" in shown.stdout
    assert runner.invoke(docs.app, ["verify", str(workdir / "s2.pdf")]).exit_code == 0


def test_keys_made_under_the_derived_passphrase_move_to_the_configured_one(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An install from before the passphrase setting: its keys are under the passphrase
    derived from the secret key; ``keys rekey --from-derived`` moves them."""
    runner = CliRunner()
    monkeypatch.setenv("PROCUREFLOW_SECRET_KEY", "an-old-install-secret-key-of-40-chars!!!")
    monkeypatch.delenv("PROCUREFLOW_KEYSTORE_PASSPHRASE")
    get_settings.cache_clear()
    created = runner.invoke(keys.app, ["init", "--json"])
    assert created.exit_code == 0, created.output
    aliases = sorted(k["alias"] for k in json.loads(created.stdout))

    refused = runner.invoke(keys.app, ["rekey", "--from-derived"])
    assert refused.exit_code == 1 and "PROCUREFLOW_KEYSTORE_PASSPHRASE" in refused.stderr

    monkeypatch.setenv("PROCUREFLOW_KEYSTORE_PASSPHRASE", "the new keystore passphrase")
    get_settings.cache_clear()
    contract = workdir / "before.pdf"
    contract.write_bytes(text_pdf(1, "Signed before the move"))
    before = runner.invoke(docs.app, ["sign", str(contract), "--category", "contract"])
    assert before.exit_code == 1 and "wrong passphrase" in before.stderr

    wrong = runner.invoke(keys.app, ["rekey", "--old-passphrase", "not it"])
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.stderr
    moved = runner.invoke(keys.app, ["rekey", "--from-derived", "--json"])
    assert moved.exit_code == 0, moved.output
    assert sorted(json.loads(moved.stdout)["rekeyed"]) == aliases
    again = runner.invoke(keys.app, ["rekey", "--from-derived", "--json"])
    assert json.loads(again.stdout)["rekeyed"] == []

    signed = runner.invoke(docs.app, ["sign", str(contract), "--category", "contract", "--json"])
    assert signed.exit_code == 0, signed.output
