"""Polling supplier mail from a real IMAP server (Dovecot) started on loopback.

Skipped, saying why, where Dovecot is not installed (Debian: ``dovecot-imapd``) or its
service users are missing.
"""

from __future__ import annotations

import imaplib
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from pydantic import SecretStr
from typer.testing import CliRunner

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.imap_poller import ImapPoller, ImapSettings
from procureflow.adapters.importers import MasterDataImporter, import_demo_master_data
from procureflow.adapters.storage import LocalContentStore
from procureflow.cli import ingest
from procureflow.config import get_settings
from procureflow.demo import demo_emails
from procureflow.domain.master import ImportContext
from procureflow.runtime.mail_intake import read_supplier_mail

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)
USER, PASSWORD = "buyer", "s3cret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def imap_server() -> Iterator[ImapSettings]:
    if DOVECOT is None:
        pytest.skip("no IMAP server here: install Debian's dovecot-imapd to run this test")
    try:
        mail_user = pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        pytest.skip("Dovecot's service users (dovecot, dovenull) are missing")
    # Dovecot's own processes run as its service users: the test's private tmp_path is
    # closed to them, so the server gets a directory of its own they may enter
    root = Path(tempfile.mkdtemp(prefix="procureflow-imap-"))
    root.chmod(0o755)
    (root / "home").mkdir()
    port = _free_port()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n", encoding="utf-8")
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(root=root, port=port, uid=mail_user.pw_uid, gid=mail_user.pw_gid),
        encoding="utf-8",
    )
    os.chown(root / "home", mail_user.pw_uid, mail_user.pw_gid)
    # in the foreground, so this test owns the process and ends it by its id
    server = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    log = root / "dovecot.log"
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                pytest.skip(
                    f"Dovecot would not start here: {log.read_text()[-300:] if log.exists() else ''}"
                )
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"Dovecot did not listen on port {port}")
            time.sleep(0.05)
    try:
        yield ImapSettings(
            host="127.0.0.1",
            port=port,
            tls=False,
            username=USER,
            password=PASSWORD,
            poll_seconds=0.1,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _deliver(settings: ImapSettings, *messages: bytes) -> None:
    client = imaplib.IMAP4(settings.host or "", settings.port)
    client.login(USER, PASSWORD)
    for message in messages:
        client.append("INBOX", None, None, message)
    client.logout()


def _unseen(settings: ImapSettings, mailbox: str = "INBOX") -> int:
    client = imaplib.IMAP4(settings.host or "", settings.port)
    client.login(USER, PASSWORD)
    client.select(mailbox)
    _, (uids,) = client.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
    client.logout()
    return len((uids or b"").split())


@pytest.fixture
def master(engine: sa.Engine) -> MasterDataRepository:
    import_demo_master_data(MasterDataImporter(engine, ImportContext(base_currency="EUR")))
    return MasterDataRepository(engine)


def test_unseen_mail_is_read_once_and_refused_mail_is_quarantined(
    imap_server: ImapSettings, master: MasterDataRepository, tmp_path: Path
) -> None:
    mails = demo_emails()
    broken = (
        b"From: x@huaxin-motors.example\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n"
    )
    _deliver(
        imap_server,
        mails["01_delay_en_huaxin_motors.eml"],
        mails["05_price_change_midwest_bearings.eml"],
        broken,
    )
    store = LocalContentStore(tmp_path / "documents")
    readings = []

    def handle(raw: bytes, source: str) -> None:
        readings.append(read_supplier_mail(raw, source=source, master=master, quarantine=store)[1])

    first = ImapPoller(imap_server, handle).poll_once()
    assert first.fetched == 3 and len(first.handled) == 2 and first.failed == []
    ((source, reason),) = first.rejected
    assert source == "imap:INBOX/3" and "broken MIME structure" in reason
    assert [r.classification for r in readings] == ["delay_notice", "price_change"]
    assert readings[0].supplier_id == "SUP-HUAXIN"
    assert [p.read_bytes() for p in store.quarantined()] == [broken]
    assert _unseen(imap_server) == 0
    assert ImapPoller(imap_server, handle).poll_once().fetched == 0


def test_a_handler_failure_leaves_the_mail_for_the_next_poll(imap_server: ImapSettings) -> None:
    _deliver(imap_server, demo_emails()["02_delay_de_brandt_housings.eml"])
    calls: list[str] = []

    def flaky(_raw: bytes, source: str) -> None:
        calls.append(source)
        if len(calls) == 1:
            raise OSError("database is locked")

    first = ImapPoller(imap_server, flaky).poll_once()
    assert first.failed == [("imap:INBOX/1", "OSError: database is locked")]
    assert _unseen(imap_server) == 1
    second = ImapPoller(imap_server, flaky).poll_once()
    assert second.handled == ["imap:INBOX/1"] and _unseen(imap_server) == 0


def test_handled_mail_can_be_moved_to_a_processed_folder(imap_server: ImapSettings) -> None:
    _deliver(imap_server, demo_emails()["06_other_trade_fair_invitation.eml"])
    settings = imap_server.model_copy(update={"processed_mailbox": "Processed"})
    result = ImapPoller(settings, lambda _raw, _source: None).poll_once()
    assert result.handled == ["imap:INBOX/1"]
    client = imaplib.IMAP4(settings.host or "", settings.port)
    client.login(USER, PASSWORD)
    assert client.select("INBOX")[1] == [b"0"]
    assert client.select("Processed")[1] == [b"1"]
    client.logout()


def test_wrong_credentials_are_one_clear_error(imap_server: ImapSettings) -> None:
    from procureflow.errors import ConfigError

    wrong = imap_server.model_copy(update={"password": SecretStr("nope")})
    with pytest.raises(
        ConfigError, match=f"cannot log in to IMAP 127.0.0.1:{imap_server.port} as 'buyer'"
    ):
        ImapPoller(wrong, lambda _raw, _source: None).poll_once()


def test_cli_polls_once_and_prints_each_reading(
    imap_server: ImapSettings,
    master: MasterDataRepository,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _deliver(imap_server, demo_emails()["07_delay_unknown_sender.eml"])
    for name, value in {
        "PROCUREFLOW_DATABASE_URL": database_url,
        "PROCUREFLOW_DATA_DIR": str(tmp_path / "data"),
        "PROCUREFLOW_IMAP_HOST": "127.0.0.1",
        "PROCUREFLOW_IMAP_PORT": str(imap_server.port),
        "PROCUREFLOW_IMAP_TLS": "false",
        "PROCUREFLOW_IMAP_USERNAME": USER,
        "PROCUREFLOW_IMAP_PASSWORD": PASSWORD,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    app = typer.Typer()
    app.add_typer(ingest.app, name="ingest")
    try:
        result = CliRunner().invoke(app, ["ingest", "imap", "--once", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["handled"] == ["imap:INBOX/1"]
    (reading,) = data["readings"]
    assert reading["unknown_sender"] is True and reading["classification"] == "delay_notice"
