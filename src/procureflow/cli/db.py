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
