"""``procureflow ingest email FILE.eml``: read a supplier mail and show what it means."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Bring supplier mail and documents in.")


@app.command("email")
@one_line_errors
def ingest_email(
    file: Path = typer.Argument(..., help="An RFC 822 message (.eml)"),
    as_of: str = typer.Option(
        None, "--as-of", help="Day the stock projection starts (YYYY-MM-DD; default: mail date)"
    ),
    start_playbook: bool = typer.Option(
        True, "--start/--no-start", help="Start the playbook the mail calls for (default)."
    ),
    wait: bool = typer.Option(
        False, "--wait", help="Run the started playbook here until it finishes or waits."
    ),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait with --wait."),
    as_json: bool = JsonOption,
) -> None:
    """Parse the mail, classify it (delay notice, price change, other), extract supplier,
    items, POs, delay, reason and force majeure, project the stock impact, and start the
    supply-disruption or price-change playbook (a mail already ingested starts nothing)."""
    from procureflow.adapters.db.master_repository import MasterDataRepository
    from procureflow.adapters.llm import mail_extractor_from_settings
    from procureflow.adapters.storage import LocalContentStore
    from procureflow.documents.email_message import EmailSettings
    from procureflow.errors import InvalidInput
    from procureflow.runtime.mail_intake import read_supplier_mail

    try:
        start = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InvalidInput(f"--as-of is not a date YYYY-MM-DD: {as_of!r}") from None
    raw = file.read_bytes()
    with context.store() as svc:
        store = LocalContentStore(Path(svc.settings.data_dir) / "documents")
        mail, output = read_supplier_mail(
            raw,
            source=file.name,
            master=MasterDataRepository(svc.engine),
            quarantine=store,
            llm=mail_extractor_from_settings(svc.settings.llm_model),
            max_bytes=EmailSettings().max_bytes,
            as_of=start,
            archive=store,
        )
    result = {
        "file": file.name,
        "email": mail.model_dump(mode="json", exclude={"text"}),
        **output.model_dump(mode="json"),
        "playbook": None,
    }
    if start_playbook and (output.next_playbook or output.needs_person):
        from procureflow.runtime.disruption_intake import start_from_mail

        with (context.engine if wait else context.client)() as svc:
            started = start_from_mail(svc, mail, output, file=file.name, actor="cli")
            if wait and started["started"]:
                started["statuses"] = context.wait_until_settled(svc, started["started"], timeout)
        result["playbook"] = started
    emit(result, as_json=as_json, human=_show)


@app.command("imap")
@one_line_errors
def ingest_imap(
    once: bool = typer.Option(False, "--once", help="Poll one time and exit."),
    as_json: bool = JsonOption,
) -> None:
    """Poll the IMAP mailbox of PROCUREFLOW_IMAP_* settings, read each unseen mail and
    start the playbook it calls for (refused mail is kept in quarantine and flagged seen;
    other failures retry; a mail read twice starts nothing twice)."""
    import threading

    from procureflow.adapters.db.master_repository import MasterDataRepository
    from procureflow.adapters.imap_poller import ImapPoller, ImapSettings, PollResult
    from procureflow.adapters.llm import mail_extractor_from_settings
    from procureflow.adapters.storage import LocalContentStore
    from procureflow.documents.email_message import EmailSettings
    from procureflow.runtime.disruption_intake import start_from_mail
    from procureflow.runtime.mail_intake import read_supplier_mail

    readings: list[dict[str, Any]] = []
    with context.client() as svc:
        repository = MasterDataRepository(svc.engine)
        quarantine = LocalContentStore(Path(svc.settings.data_dir) / "documents")
        llm = mail_extractor_from_settings(svc.settings.llm_model)
        limit = EmailSettings().max_bytes

        def handle(raw: bytes, source: str) -> None:
            mail, output = read_supplier_mail(
                raw,
                source=source,
                master=repository,
                quarantine=quarantine,
                llm=llm,
                max_bytes=limit,
                archive=quarantine,
            )
            started = None
            if output.next_playbook or output.needs_person:
                started = start_from_mail(svc, mail, output, file=source, actor="imap")
            readings.append(
                {"source": source, **output.model_dump(mode="json"), "playbook": started}
            )

        poller = ImapPoller(ImapSettings(), handle)
        if once:
            result = poller.poll_once().to_json()
            result["readings"] = readings
            emit(result, as_json=as_json, human=_show_poll)
            return

        def report(outcome: PollResult) -> None:
            data = outcome.to_json()
            data["readings"] = list(readings)
            readings.clear()
            emit(data, as_json=as_json, human=_show_poll)

        stop = threading.Event()
        try:
            poller.run(stop, on_result=report)
        except KeyboardInterrupt:
            stop.set()


def _show_poll(r: dict[str, Any]) -> None:
    console.print(
        f"fetched {r['fetched']}: {len(r['handled'])} read, {len(r['rejected'])} refused, "
        f"{len(r['failed'])} failed (left unseen)",
        highlight=False,
    )
    for reading in r["readings"]:
        who = reading["supplier_id"] or f"UNKNOWN SENDER {reading['sender_domain']}"
        console.print(
            f"  {reading['source']}: {reading['classification']} from {who}", highlight=False
        )
    for item in r["rejected"] + r["failed"]:
        console.print(
            f"  {item['source']}: {item.get('reason') or item.get('error')}", highlight=False
        )


def _show(r: dict[str, Any]) -> None:
    who = r["supplier_name"] or f"UNKNOWN SENDER ({r['sender_domain']})"
    console.print(f"[bold]{r['classification']}[/bold] from {who}", highlight=False)
    console.print(r["decision"]["rationale"], highlight=False)
    if r["delay"]:
        d = r["delay"]
        console.print(
            f"delay: {d['days']} days ({d['stated_as'] or '-'}); arrival {d['arrival_date']}; "
            f"{d['basis']}",
            highlight=False,
        )
    if r["reason"]:
        console.print(f"reason: {r['reason']}", highlight=False)
    if r["po_numbers"]:
        console.print(f"POs: {', '.join(r['po_numbers'])}", highlight=False)
    if r["impacts"]:
        table = Table("SKU", "cover (days)", "stock-out", "safety breach", "shortfall", "severity")
        for i in r["impacts"]:
            table.add_row(
                i["sku"],
                str(i["days_of_cover"]),
                str(i["stock_out_date"] or "-"),
                str(i["safety_stock_breach_date"] or "-"),
                str(i["shortfall_qty"]),
                i["severity"],
            )
        console.print(table)
    started = r.get("playbook")
    if started:
        exception = started.get("exception")
        if exception:
            again = "" if exception["created"] else " (raised before: bumped)"
            console.print(
                f"no playbook started; raised for a person as exception {exception['id']}{again}",
                highlight=False,
            )
        elif started["duplicate"]:
            console.print("this mail was ingested before: nothing started", highlight=False)
        else:
            console.print(
                f"{started['playbook']} started: {', '.join(started['started']) or '-'}",
                highlight=False,
            )


__all__ = ["app", "ingest_email", "ingest_imap"]

from procureflow.cli import ingest_documents  # noqa: E402  (contract and invoice intake)

app.command("contract")(ingest_documents.ingest_contract)
app.command("invoice")(ingest_documents.ingest_invoice)
