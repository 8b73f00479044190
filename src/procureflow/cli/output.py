"""Shared CLI plumbing: ``--json`` output, one-line errors, progress bars."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, ParamSpec, TextIO, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress

from procureflow.domain.canonical import to_jsonable
from procureflow.errors import ProcureFlowError

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


_json_stream: TextIO | None = None


def reserve_stdout_for_json() -> None:
    """Keep the process's stdout for the one JSON document of a ``--json`` command.

    Whatever else reaches file descriptor 1 from then on — a library's banner, a C
    extension's log line, a stray ``print`` — goes to stderr instead, so stdout holds
    exactly the document :func:`emit` writes.
    """
    global _json_stream
    if _json_stream is not None:
        return
    sys.stdout.flush()
    _json_stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)


def flush_json_stream() -> None:
    """Write out the JSON document (before a process ends with ``os._exit``)."""
    if _json_stream is not None:
        _json_stream.flush()


def emit(value: Any, *, as_json: bool, human: Callable[[Any], None] | None = None) -> None:
    """Print ``value`` as JSON, or hand it to ``human`` for a rich rendering."""
    if as_json or human is None:
        out = _json_stream if as_json and _json_stream is not None else sys.stdout
        out.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")
        out.flush()
    else:
        human(value)


def fail(message: str, code: int = 1) -> None:
    """Print one line on stderr and exit non-zero."""
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn any ProcureFlowError (and a few OS errors) into one line on stderr and exit 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ProcureFlowError as exc:
            fail(" ".join(str(exc).split()))
        except FileNotFoundError as exc:
            fail(f"file not found: {exc.filename}")
        except IsADirectoryError as exc:
            fail(f"is a directory, not a file: {exc.filename}")
        except PermissionError as exc:
            fail(f"permission denied: {exc.filename}")
        raise AssertionError("unreachable")

    return wrapper


def progress(items: Iterable[R], *, total: int | None, label: str, show: bool) -> Iterator[R]:
    """Yield ``items`` with a progress bar on stderr when ``show`` (off for ``--json``)."""
    if not show:
        yield from items
        return
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


class ProgressTicker:
    """A progress bar on stderr advanced by calling the object (off when not ``show``)."""

    def __init__(self, *, total: int | None, label: str, show: bool) -> None:
        self._progress = Progress(console=err_console, transient=True) if show else None
        self._task = None
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task(label, total=total)

    def __call__(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def close(self) -> None:
        """Remove the bar."""
        if self._progress is not None:
            self._progress.stop()


def actor_name(actor: str | None) -> str:
    """Who a command acts as in the audit ledger: ``--as``/``--actor`` if given, else the
    login name (``cli:<login>``)."""
    if actor:
        return actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


__all__ = [
    "actor_name",
    "ProgressTicker",
    "JsonOption",
    "console",
    "emit",
    "err_console",
    "fail",
    "flush_json_stream",
    "one_line_errors",
    "progress",
    "reserve_stdout_for_json",
]
