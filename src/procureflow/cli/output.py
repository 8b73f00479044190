"""Shared CLI plumbing: ``--json`` output, one-line errors, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, ParamSpec, TypeVar

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


def emit(value: Any, *, as_json: bool, human: Callable[[Any], None] | None = None) -> None:
    """Print ``value`` as JSON, or hand it to ``human`` for a rich rendering."""
    if as_json or human is None:
        sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")
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


__all__ = [
    "ProgressTicker",
    "JsonOption",
    "console",
    "emit",
    "err_console",
    "fail",
    "one_line_errors",
    "progress",
]
