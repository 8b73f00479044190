"""Every command that takes ``--json`` writes exactly one JSON document to stdout.

The commands come from the command tree itself: a new command with ``--json`` fails
``test_every_json_command_is_exercised`` until it has an invocation below. Each runs
against one demo world (the headless demo's database), in the order listed, so later
commands can use what earlier ones made. A command given bad input on purpose must leave
stdout empty and say why in one line on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

import procureflow
from procureflow.cli import app, groups
from procureflow.config import get_settings
from tests.auth_helpers import PROCESS_SECRETS
from tests.conftest import on_postgres
from tests.factories_documents import contract_docx, text_pdf

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "procureflow" / "demo"
POLICY = ROOT / "src" / "procureflow" / "policies" / "builtin" / "default.yaml"

PLAYBOOK = """document:
  dsl: '1.0.0'
  namespace: test
  name: json-output
  version: '1.0.0'
do:
  - double:
      set:
        doubled: ${ .amount * 2 }
"""


def _commands_with_json() -> list[str]:
    _register_once()
    root = typer.main.get_command(app)
    found: list[str] = []

    def walk(command: click.Command, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*path, name])
        elif any("--json" in getattr(p, "opts", []) for p in command.params):
            found.append(" ".join(path))

    walk(root, [])
    return found


def _registered() -> bool:
    return bool(app.registered_groups)


def _register_once() -> None:
    if not _registered():
        for name, group in groups.all_groups():
            app.add_typer(group, name=name)
        groups.add_top_level_commands(app)


@dataclass
class World:
    """The demo world and the files the commands read."""

    folder: Path
    runner: CliRunner

    def run(self, *args: str) -> Any:
        """A command's JSON output (for building later invocations)."""
        result = self.runner.invoke(app, [*args, "--json"])
        assert result.exit_code == 0, (args, result.stderr, result.stdout)
        return json.loads(result.stdout)

    def file(self, name: str, data: bytes | str) -> str:
        path = self.folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)

    def first(self, *args: str, key: str) -> str:
        rows = self.run(*args)
        assert rows, f"the demo world has no rows for {args}"
        return str(rows[0][key])


def _officer(world: World, name: str) -> str:
    """A compliance officer in the demo world (added on first use)."""
    known = {user["id"] for user in world.run("users", "list")}
    if name not in known:
        world.run("users", "add", name, "--role", "compliance")
    return name


def _open_proposal(world: World) -> str:
    return world.first("screening", "proposals", "--status", "open", key="proposal_id")


def _self_signed(world: World) -> tuple[str, str]:
    """A PKCS#12 file (passphrase "pw") and a PEM CA certificate, made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Partner CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"partner", key, cert, None, serialization.BestAvailableEncryption(b"pw")
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    return world.file("partner.p12", p12), world.file("partner-ca.pem", pem)


Invocation = Callable[[World], list[str]]
OK, REFUSED = "ok", "refused"

# (command, how to call it in the demo world, what must happen). Order matters.
INVOCATIONS: list[tuple[str, Invocation, str]] = [
    ("db upgrade", lambda w: [], OK),
    ("demo", lambda w: ["--headless"], OK),
    ("import", lambda w: ["suppliers", str(DEMO / "data" / "suppliers.csv")], OK),
    ("events send", lambda w: ["--type", "test.ping", "--source", "cli-test", "--id", "1"], OK),
    ("events list", lambda w: ["--limit", "2"], OK),
    # the newest event (the ping above) triggers no playbook: nothing to replay
    ("events replay", lambda w: [w.first("events", "list", key="key")], REFUSED),
    ("playbooks validate", lambda w: [w.file("p.yaml", PLAYBOOK)], OK),
    ("playbooks register", lambda w: [w.file("p.yaml", PLAYBOOK)], OK),
    ("playbooks run", lambda w: [w.file("p.yaml", PLAYBOOK), "--input", '{"amount": 2}'], OK),
    ("playbooks list", lambda w: [], OK),
    ("db budget", lambda w: ["--workers", "2"], OK),
    ("instances list", lambda w: ["--limit", "3"], OK),
    ("instances show", lambda w: [w.first("instances", "list", key="id")], OK),
    ("instances cancel", lambda w: ["in-none", "--reason", "test", "--as", "olga"], REFUSED),
    ("instances retry", lambda w: ["in-none", "--as", "olga"], REFUSED),
    ("instances resume", lambda w: ["in-none", "--as", "olga"], REFUSED),
    ("workers list", lambda w: [], OK),
    ("workers recover", lambda w: ["--from", "w-gone", "--as", "olga"], OK),
    ("approvals list", lambda w: [], OK),
    ("approvals approve", lambda w: ["ap-none", "--as", "bea", "--digest", "0" * 64], REFUSED),
    ("approvals reject", lambda w: ["ap-none", "--as", "bea", "--digest", "0" * 64], REFUSED),
    ("audit verify", lambda w: [], OK),
    ("audit seal", lambda w: [], OK),
    ("users add", lambda w: ["quinn", "--role", "buyer", "--name", "Quinn"], OK),
    ("users list", lambda w: [], OK),
    ("users token", lambda w: ["quinn", "--expires-in", "30d"], OK),
    ("users tokens list", lambda w: ["quinn"], OK),
    ("users tokens revoke", lambda w: [w.first("users", "tokens", "list", "quinn", key="id")], OK),
    ("policies validate", lambda w: [str(POLICY)], OK),
    ("policies show", lambda w: [], OK),
    ("policies simulate", lambda w: [str(POLICY)], OK),
    ("keys init", lambda w: ["--organisation", "Demo Buyer"], OK),
    ("keys list", lambda w: [], OK),
    ("keys import", lambda w: [_self_signed(w)[0], "--alias", "partner", "--passphrase", "pw"], OK),
    ("keys trust", lambda w: [_self_signed(w)[1], "--alias", "partner-ca"], OK),
    ("keys rekey", lambda w: ["--from-derived"], OK),
    ("docs profiles", lambda w: [], OK),
    (
        "docs profile-set",
        lambda w: [w.file("profile.json", json.dumps(w.run("docs", "profiles")[0]))],
        OK,
    ),
    ("docs compress", lambda w: [w.file("a.pdf", text_pdf(2, "A")), "--preset", "email"], OK),
    (
        "docs merge",
        lambda w: [
            w.file("a.pdf", text_pdf(2, "A")),
            w.file("b.pdf", text_pdf(1, "B")),
            "--output",
            str(w.folder / "merged.pdf"),
        ],
        OK,
    ),
    (
        "docs split",
        lambda w: [w.file("c.pdf", text_pdf(3, "C")), "--every", "1", "--out-dir", str(w.folder)],
        OK,
    ),
    ("docs stamp", lambda w: [w.file("d.pdf", text_pdf(1, "D")), "--category", "contract"], OK),
    (
        "docs sign",
        lambda w: [
            w.file("e.pdf", text_pdf(1, "E")),
            "--category",
            "contract",
            "--output",
            str(w.folder / "signed.pdf"),
        ],
        OK,
    ),
    ("docs verify", lambda w: [str(w.folder / "signed.pdf")], OK),
    ("docs classify", lambda w: [w.file("f.pdf", text_pdf(1, "Invoice"))], OK),
    (
        "docs open-session",
        lambda w: [w.file("g.pdf", text_pdf(1, "G")), "--category", "contract"],
        OK,
    ),
    ("docs session", lambda w: [w.run("docs", "open-session", *_pdf(w))["id"]], OK),
    (
        "docs sign-next",
        lambda w: [
            w.run("docs", "open-session", *_pdf(w))["id"],
            "--output",
            str(w.folder / "cosigned.pdf"),
        ],
        OK,
    ),
    ("docs convert", lambda w: [str(contract_docx(w.folder / "c.docx"))], OK),
    ("ingest email", lambda w: [str(DEMO / "emails" / "06_other_trade_fair_invitation.eml")], OK),
    ("ingest imap", lambda w: ["--once"], REFUSED),
    ("ingest contract", lambda w: [str(contract_docx(w.folder / "k.docx")), "--terms-only"], OK),
    ("ingest invoice", lambda w: [w.file("bad-invoice.xml", "<Invoice/>")], REFUSED),
    ("exceptions list", lambda w: ["--limit", "2"], OK),
    ("exceptions show", lambda w: [w.first("exceptions", "list", key="id")], OK),
    (
        "exceptions ack",
        lambda w: [w.first("exceptions", "list", key="id"), "--as", "olivia"],
        OK,
    ),
    (
        "exceptions resolve",
        lambda w: [
            w.first("exceptions", "list", key="id"),
            "--as",
            "olivia",
            "--note",
            "ok",
        ],
        OK,
    ),
    ("monitors run", lambda w: [], OK),
    ("monitors runs", lambda w: [], OK),
    ("monitors holds", lambda w: ["--all"], OK),
    ("notifications subscribe", lambda w: ["--role", "cfo", "--email", "cfo@example.com"], OK),
    ("notifications subscriptions", lambda w: [], OK),
    (
        "notifications unsubscribe",
        lambda w: [w.first("notifications", "subscriptions", key="id")],
        OK,
    ),
    ("notifications list", lambda w: [], OK),
    ("notifications retry", lambda w: ["nt-none"], REFUSED),
    ("notifications send", lambda w: [], OK),
    ("contracts list", lambda w: [], OK),
    ("contracts show", lambda w: [w.first("contracts", "list", key="contract_id")], OK),
    (
        "contracts bank-details",
        lambda w: [w.first("contracts", "list", key="contract_id"), "--iban", "DE00 bad"],
        REFUSED,
    ),
    (
        "contracts screening-import",
        lambda w: [
            w.file("denied.csv", "name,country\nAcme Evil,XX\n"),
            "--as",
            _officer(w, "cleo"),
        ],
        OK,
    ),
    # a second proposal for the same list waits for the first to be decided
    ("screening propose", lambda w: [w.file("d2.csv", "name\nX\n"), "--as", "cleo"], REFUSED),
    ("screening proposals", lambda w: ["--status", "open"], OK),
    ("screening confirm", lambda w: [_open_proposal(w), "--as", "cleo"], REFUSED),  # proposer
    ("screening reject", lambda w: [_open_proposal(w), "--as", _officer(w, "carl")], OK),
    ("receipts add", lambda w: ["PO-NONE", "--id", "R-1", "--line", "1=5"], REFUSED),
    ("milestones list", lambda w: [w.first("contracts", "list", key="contract_id")], OK),
    (
        "milestones complete",
        lambda w: [w.first("contracts", "list", key="contract_id"), "ms-none"],
        REFUSED,
    ),
    ("orders list", lambda w: [], OK),
    ("orders show", lambda w: [w.first("orders", "list", key="po_number")], OK),
    # the labelled mail corpus: every target met, so the command exits 0
    ("agents eval", lambda w: [str(ROOT / "tests" / "data" / "corpus"), "--kind", "mails"], OK),
    ("payments list", lambda w: [], OK),
    ("payments invoices", lambda w: [], OK),
    ("payments invoice", lambda w: ["inv-none"], REFUSED),
    (
        "payments export",
        lambda w: [
            "--output",
            str(w.folder / "pain.xml"),
            "--debtor-name",
            "Demo Buyer",
            "--debtor-iban",
            "DE89370400440532013000",
        ],
        OK,
    ),
]


def _pdf(world: World) -> list[str]:
    return [world.file("session.pdf", text_pdf(1, "Session")), "--category", "contract"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if on_postgres():
        pytest.skip("the demo world runs on the embedded SQLite default")
    _register_once()
    folder = tmp_path_factory.mktemp("json-world")
    env = {
        "PROCUREFLOW_DATABASE_URL": f"sqlite:///{folder / 'world.db'}",
        "PROCUREFLOW_DATA_DIR": str(folder / "data"),
        "PROCUREFLOW_EXECUTOR_ID": "json-world",
        **PROCESS_SECRETS,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        # The engine's logger gets its console handler once, on the stream of the moment:
        # give it this process's stderr, not the stream of the first call below.
        patch.setattr(logging.getLogger("dbos"), "handlers", [logging.StreamHandler(sys.stderr)])
        get_settings.cache_clear()
        try:
            yield World(folder, CliRunner())
        finally:
            get_settings.cache_clear()


def test_every_json_command_is_exercised() -> None:
    _register_once()
    listed = [name for name, _, _ in INVOCATIONS]
    assert sorted(set(_commands_with_json()) - set(listed)) == []
    assert len(listed) == len(set(listed)), "a command is listed twice"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "arguments", "outcome"), INVOCATIONS, ids=[c for c, _, _ in INVOCATIONS]
)
def test_json_output_is_one_document(
    world: World, command: str, arguments: Invocation, outcome: str
) -> None:
    args = [*command.split(), *arguments(world), "--json"]
    result = world.runner.invoke(app, args)
    if outcome == OK:
        assert result.exit_code == 0, (
            args,
            result.stderr[-2000:],
            result.stdout[-2000:],
            _trace(result),
        )
        json.loads(result.stdout)  # the whole of stdout is one JSON document
    else:
        assert result.exit_code != 0, (args, result.stdout[-2000:])
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr


def _trace(result: Any) -> str:
    import traceback

    return "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""


def test_a_library_writing_to_stdout_cannot_spoil_the_document() -> None:
    """What a C extension or a stray print writes to stdout lands on stderr instead."""
    script = (
        "import os\n"
        "from procureflow.cli import output\n"
        "output.reserve_stdout_for_json()\n"
        "os.write(1, b'Running Solver 1.0: Copyright ...\\n')\n"
        "print('a stray line')\n"
        "output.emit({'ok': True}, as_json=True)\n"
        "output.flush_json_stream()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == {"ok": True}
    assert "Running Solver" in done.stderr and "a stray line" in done.stderr


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_the_package_version(flag: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "procureflow", flag],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == f"procureflow {procureflow.__version__}"
