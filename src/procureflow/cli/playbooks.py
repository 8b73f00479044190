"""``procureflow playbooks``: validate, list, register and run playbooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from procureflow.bootstrap import build_services
from procureflow.cli import context
from procureflow.cli.output import JsonOption, console, emit, one_line_errors
from procureflow.errors import InvalidInput, NotFound
from procureflow.playbooks import list_builtin, load_playbook
from procureflow.runtime.launch import start_instance
from procureflow.runtime.playbook_catalog import check, register_file

app = typer.Typer(no_args_is_help=True, help="Serverless Workflow 1.0 playbooks.")


def _read(path: Path) -> str:
    if not path.exists():
        raise NotFound(f"no such playbook file: {path}", subject=str(path))
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not a UTF-8 text file") from None


@app.command("validate")
@one_line_errors
def validate_command(
    path: Path = typer.Argument(..., help="Playbook YAML file"), as_json: bool = JsonOption
) -> None:
    """Check a playbook: YAML, DSL structure, expressions and the functions it calls."""
    svc = build_services(migrate=False)
    try:
        playbook = check(svc, _read(path), path.name)
    finally:
        svc.engine.dispose()
    result = {
        "valid": True,
        "file": str(path),
        "namespace": playbook.document.namespace,
        "name": playbook.document.name,
        "version": playbook.document.version,
    }
    emit(
        result,
        as_json=as_json,
        human=lambda r: console.print(
            f"{path}: valid ({r['namespace']}/{r['name']} {r['version']})"
        ),
    )


@app.command("list")
@one_line_errors
def list_command(as_json: bool = JsonOption) -> None:
    """Built-in playbooks and every registered one (latest version of each)."""
    rows: dict[str, dict[str, Any]] = {}
    for path in list_builtin():
        pb = load_playbook(path.read_text(encoding="utf-8"), path.name)
        rows[f"{pb.document.namespace}/{pb.document.name}"] = {
            "namespace": pb.document.namespace,
            "name": pb.document.name,
            "version": pb.document.version,
            "title": pb.document.title,
            "builtin": True,
            "registered": False,
            "triggered_by": _trigger_types(pb),
        }
    with context.store() as svc:
        for version in svc.instances.list_playbooks():
            key = f"{version.namespace}/{version.name}"
            row = rows.setdefault(
                key,
                {
                    "namespace": version.namespace,
                    "name": version.name,
                    "title": None,
                    "builtin": False,
                    "triggered_by": _trigger_types(load_playbook(version.source, version.name)),
                },
            )
            row.update(version=version.version, registered=True, sha256=version.id)
    result = sorted(rows.values(), key=lambda r: (r["namespace"], r["name"]))

    def human(items: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("playbook", "version", "title", "triggered by")
        for r in items:
            table.add_row(
                f"{r['namespace']}/{r['name']}",
                r.get("version", ""),
                r.get("title") or "",
                ", ".join(r["triggered_by"]),
            )
        console.print(table)

    emit(result, as_json=as_json, human=human)


def _trigger_types(playbook: Any) -> list[str]:
    on = playbook.schedule.on if playbook.schedule is not None else None
    if on is None:
        return []
    filters = ([on.one] if on.one is not None else []) + list(on.any or []) + list(on.all or [])
    return [str(f.with_.get("type", "*")) for f in filters]


@app.command("register")
@one_line_errors
def register_command(path: Path = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """Store a playbook version; running instances keep the version they started with."""
    with context.store() as svc:
        _read(path)
        version = register_file(svc, path)
    result = {
        "namespace": version.namespace,
        "name": version.name,
        "version": version.version,
        "sha256": version.id,
    }
    emit(
        result,
        as_json=as_json,
        human=lambda r: console.print(
            f"registered {r['namespace']}/{r['name']} {r['version']} ({r['sha256'][:12]})"
        ),
    )


@app.command("run")
@one_line_errors
def run_command(
    path: Path = typer.Argument(..., help="Playbook YAML file"),
    input: str = typer.Option("{}", "--input", help="Workflow input as JSON"),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait for the end or a wait."),
    as_json: bool = JsonOption,
) -> None:
    """Run a playbook durably to its end (or its first wait) and print output and status."""
    try:
        data = json.loads(input)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--input is not JSON: {exc.msg} at position {exc.pos}") from None
    _read(path)
    with context.engine() as svc:
        version = register_file(svc, path)
        instance_id = start_instance(svc, version, data, actor="cli")
        context.wait_until_settled(svc, [instance_id], timeout)
        result = svc.instances.instance(instance_id)

    def human(r: dict[str, Any]) -> None:
        console.print(f"instance {r['id']}: {r['status']}")
        for t in r["tasks"]:
            console.print(f"  {t['status']:<9} {t['pointer']}  ({t['duration_ms']} ms)")
        if r["status"] == "completed":
            console.print_json(json.dumps(r["output"]))
        elif r["error"]:
            console.print(f"error: {r['error'].get('title')}: {r['error'].get('detail', '')}")

    emit(result, as_json=as_json, human=human)
    if result["status"] == "faulted":
        raise typer.Exit(1)
