"""``procureflow audit``: verify the ledger, seal it, export it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from procureflow.cli import context
from procureflow.cli.output import (
    JsonOption,
    ProgressTicker,
    console,
    emit,
    fail,
    one_line_errors,
)

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit ledger.")


@app.command("verify")
@one_line_errors
def verify_command(as_json: bool = JsonOption) -> None:
    """Check every hash chain and seal; name the first modified, deleted or reordered entry."""
    with context.store() as svc:
        report = svc.audit.verify().to_json()

    def human(r: dict[str, Any]) -> None:
        if r["ok"]:
            console.print(
                f"ledger intact: {r['entries']} entries in {r['streams']} streams, {r['seals']} seals"
            )
        else:
            console.print(f"ledger BROKEN: {r['first_problem']['message']}")

    emit(report, as_json=as_json, human=human)
    if not report["ok"]:
        raise typer.Exit(1)


@app.command("seal")
@one_line_errors
def seal_command(as_json: bool = JsonOption) -> None:
    """Seal the heads of all streams into the global chain."""
    with context.store() as svc:
        number = svc.audit.seal()
    emit(
        {"seal": number},
        as_json=as_json,
        human=lambda r: console.print(f"seal {r['seal']} written"),
    )


@app.command("export")
@one_line_errors
def export_command(
    output: Path = typer.Option(
        None, "--output", "-o", help="File to write (default: standard output)"
    ),
    stream: str = typer.Option(None, "--stream", help="Only this stream, e.g. instance:ID"),
) -> None:
    """Write the ledger as JSON Lines, one entry per line, in order."""
    with context.store() as svc:
        if output is None:
            svc.audit.export(sys.stdout, stream)
            return
        tmp = output.with_name(output.name + ".partial")
        ticker = ProgressTicker(total=svc.audit.count(stream), label="exporting", show=True)
        try:
            with tmp.open("w", encoding="utf-8") as out:
                count = svc.audit.export(out, stream, tick=ticker)
            tmp.replace(output)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            fail(f"cannot write {output}: {exc.strerror}")
        finally:
            ticker.close()
    console.print(f"{count} entries written to {output}", highlight=False)
