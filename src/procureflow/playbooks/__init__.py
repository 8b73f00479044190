"""Playbooks: the product's models of the CNCF Serverless Workflow DSL 1.0, loading, validation.

Public API::

    load_playbook(text, origin) -> Playbook      parse + validate, every problem located
    validate(playbook, known_functions)          references; unknown functions if a set is given
    event_matches(concrete_filter, event)        does a CloudEvent satisfy a listen filter
    list_builtin() -> list[Path]                 the playbooks shipped with the product
"""

from __future__ import annotations

from pathlib import Path

from procureflow.errors import PlaybookInvalid
from procureflow.playbooks.events import event_matches
from procureflow.playbooks.loader import Playbook, PlaybookProblems, load_playbook
from procureflow.playbooks.model_tasks import Task, TaskBase, TaskList, Workflow, task_kind
from procureflow.playbooks.validation import validate

BUILTIN_DIRECTORY = Path(__file__).resolve().parent / "builtin"


def list_builtin() -> list[Path]:
    """The built-in playbook files shipped with the product, sorted by name."""
    return sorted(BUILTIN_DIRECTORY.glob("*.yaml"))


def load_playbook_file(path: Path) -> Playbook:
    """Load a playbook from a file; errors name the file."""
    return load_playbook(path.read_text(encoding="utf-8"), origin=path.name)


__all__ = [
    "BUILTIN_DIRECTORY",
    "Playbook",
    "PlaybookInvalid",
    "PlaybookProblems",
    "Task",
    "TaskBase",
    "TaskList",
    "Workflow",
    "event_matches",
    "list_builtin",
    "load_playbook",
    "load_playbook_file",
    "task_kind",
    "validate",
]
