"""The ``procureflow`` command. Each area's commands live in their own module here and
are registered below as a sub-command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="procureflow",
    help="ProcureFlow: procurement orchestration with durable playbooks, agents and guardrails.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from procureflow import __version__

        typer.echo(f"procureflow {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """ProcureFlow: procurement orchestration with durable playbooks, agents and guardrails."""


def _register() -> None:
    # Imported here so that `procureflow --help` lists every group and a module's import
    # cost is paid once. Each module exposes `app` (a Typer group) and its name.
    from procureflow.cli import groups

    for name, group in groups.all_groups():
        app.add_typer(group, name=name)
    groups.add_top_level_commands(app)


def _close_document_converters() -> None:
    """Stop the warm LibreOffice of this process, if a command started one."""
    import sys

    convert = sys.modules.get("procureflow.documents.convert")
    if convert is not None:
        convert.close_worker_converters()


def main() -> None:
    """Entry point of the console script.

    A command that ran the durable engine may leave workflows parked in a wait; their
    threads would hold the process until their wait times out, so such a command ends
    the process at once after its output is flushed. The work is safe in the database
    and resumes in the next process with the same executor id.
    """
    import os
    import sys

    from procureflow.cli import output
    from procureflow.runtime import dbos_runtime

    if "--json" in sys.argv[1:]:
        output.reserve_stdout_for_json()
    _register()
    code: int | str | None = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    output.flush_json_stream()
    if dbos_runtime.engine_was_started():
        _close_document_converters()  # os._exit skips the atexit hook that would
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)
    sys.exit(code)


__all__ = ["app", "main"]
