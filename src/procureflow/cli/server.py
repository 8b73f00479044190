"""Top-level commands that run the engine: ``serve``, ``worker`` and ``demo``."""

from __future__ import annotations

import os
import signal
import threading

import typer

from procureflow.cli.output import console, err_console, one_line_errors


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``worker`` and ``demo`` to the top-level command."""
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.command("demo")(demo)


@one_line_errors
def serve(
    host: str = typer.Option(None, "--host", help="Interface to listen on (default from settings)"),
    port: int = typer.Option(None, "--port"),
    no_workers: bool = typer.Option(
        False,
        "--no-workers",
        help="API and dashboard only: instances are queued for `procureflow worker` processes "
        "(PostgreSQL).",
    ),
) -> None:
    """Run the API, the dashboard and in-process workers."""
    import uvicorn

    from procureflow.api.app import create_app
    from procureflow.bootstrap import wait_for_database
    from procureflow.config import check_startup_secrets, get_settings

    settings = get_settings()
    check_startup_secrets(settings)
    wait_for_database(settings, report=lambda line: err_console.print(line, highlight=False))
    app = create_app(start_engine=not no_workers, for_workers=no_workers, settings=settings)
    console.print(
        f"ProcureFlow at http://{host or settings.host}:{port or settings.port}/", highlight=False
    )
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_level="warning")


@one_line_errors
def worker(
    executor_id: str = typer.Option(
        None,
        "--executor-id",
        help="Stable id of this worker: a restarted worker resumes its own work",
    ),
) -> None:
    """Run a worker: takes instances from the shared queue until stopped (Ctrl-C, SIGTERM)."""
    from procureflow.bootstrap import start_runtime, stop_runtime, wait_for_database
    from procureflow.config import Settings, check_startup_secrets

    overrides = {"executor_id": executor_id} if executor_id else {}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    check_startup_secrets(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    wait_for_database(settings, report=lambda line: err_console.print(line, highlight=False))
    svc = start_runtime(settings)
    console.print(f"worker {settings.executor_id} (pid {os.getpid()}) ready", highlight=False)
    try:
        stop.wait()
    finally:
        stop_runtime(svc)


@one_line_errors
def demo(
    headless: bool = typer.Option(
        False, "--headless", help="Run the sample scenarios to the end, print a summary, exit."
    ),
    host: str = typer.Option(None, "--host"),
    port: int = typer.Option(None, "--port"),
    as_json: bool = typer.Option(
        False, "--json", help="With --headless: print the summary as JSON."
    ),
) -> None:
    """Load the demo data and either serve the dashboard or run the scenarios headless
    (in demo mode: the shipped secret key is accepted)."""
    from procureflow.demo.runner import run_demo

    run_demo(headless=headless, host=host, port=port, as_json=as_json)
