"""The list of command groups. Add a line here when adding ``cli/<area>.py``."""

from __future__ import annotations

import importlib

import typer

# (command group name, module under procureflow.cli exposing `app`)
GROUPS: list[tuple[str, str]] = [
    ("db", "db"),
    ("events", "events"),
    ("playbooks", "playbooks"),
    ("instances", "instances"),
    ("workers", "workers"),
    ("approvals", "approvals"),
    ("audit", "audit"),
    ("users", "users"),
    ("policies", "policies"),
    ("docs", "docs"),
    ("keys", "keys"),
    ("ingest", "ingest"),
    ("exceptions", "exceptions"),
    ("monitors", "monitors"),
    ("notifications", "notifications"),
    ("contracts", "contracts"),
    ("screening", "screening"),
    ("receipts", "receipts"),
    ("milestones", "milestones"),
    ("payments", "payments"),
    ("orders", "orders"),
    ("agents", "agents"),
]

# modules exposing `register(app)` for top-level commands (demo, serve, worker, ...)
TOP_LEVEL: list[str] = [
    "server",
    "master",
]


def all_groups() -> list[tuple[str, typer.Typer]]:
    """Every registered group, imported."""
    return [
        (name, importlib.import_module(f"procureflow.cli.{module}").app) for name, module in GROUPS
    ]


def add_top_level_commands(app: typer.Typer) -> None:
    """Let modules add commands directly under ``procureflow``."""
    for module in TOP_LEVEL:
        importlib.import_module(f"procureflow.cli.{module}").register(app)
