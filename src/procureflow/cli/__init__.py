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


def _register() -> None:
    # Imported here so that `procureflow --help` lists every group and a module's import
    # cost is paid once. Each module exposes `app` (a Typer group) and its name.
    from procureflow.cli import groups

    for name, group in groups.all_groups():
        app.add_typer(group, name=name)
    groups.add_top_level_commands(app)


def main() -> None:
    """Entry point of the console script."""
    _register()
    app()


__all__ = ["app", "main"]
