"""``procureflow db``: schema migrations."""

from __future__ import annotations

import typer

from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import current_revisions, upgrade
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.config import get_settings

app = typer.Typer(no_args_is_help=True, help="Database schema.")


@app.command("upgrade")
@one_line_errors
def upgrade_command(as_json: bool = JsonOption) -> None:
    """Apply every pending migration (SQLite or Postgres, from PROCUREFLOW_DATABASE_URL)."""
    settings = get_settings()
    eng = create_engine(settings.database_url)
    try:
        before = current_revisions(eng)
        after = upgrade(eng)
    finally:
        eng.dispose()
    result = {
        "database": eng.url.render_as_string(hide_password=True),
        "before": before,
        "revisions": after,
    }
    emit(
        result,
        as_json=as_json,
        human=lambda r: console.print(f"database at {', '.join(r['revisions'])} ({r['database']})"),
    )


@app.command("budget")
@one_line_errors
def budget_command(
    workers: int = typer.Option(2, "--workers", min=0, help="Worker processes."),
    api_only: bool = typer.Option(False, "--api-only", help="serve runs with --no-workers."),
    cli: int = typer.Option(2, "--cli", min=0, help="CLI commands running at once."),
    as_json: bool = JsonOption,
) -> None:
    """The most PostgreSQL connections a deployment opens, from the pool settings, against
    the server's max_connections; exit 1 when it does not fit."""
    import sqlalchemy as sa

    from procureflow.adapters.db.budget import deployment_budget
    from procureflow.adapters.db.engine import is_sqlite

    settings = get_settings()
    result = deployment_budget(settings, workers=workers, api_only=api_only, cli=cli)
    result["max_connections"] = None
    if not is_sqlite(settings.database_url):
        eng = create_engine(settings.database_url, pool_size=1, max_overflow=0)
        try:
            with eng.connect() as conn:
                shown = conn.execute(sa.text("SHOW max_connections")).scalar_one()
            result["max_connections"] = int(shown)
        finally:
            eng.dispose()
    limit = result["max_connections"]
    result["fits"] = limit is None or result["needs_max_connections"] <= limit

    def human(r: dict[str, object]) -> None:
        from rich.table import Table

        table = Table("process", "count", "each", "total")
        for p in result["processes"]:
            table.add_row(p["role"], str(p["count"]), str(p["each"]), str(p["total"]))
        console.print(table)
        verdict = "fits" if r["fits"] else "does NOT fit"
        console.print(
            f"{r['total']} connections + {r['headroom']} headroom = "
            f"{r['needs_max_connections']}; server max_connections {limit or 'n/a (SQLite)'}: "
            f"{verdict}"
        )

    emit(result, as_json=as_json, human=human)
    if not result["fits"]:
        raise typer.Exit(1)
