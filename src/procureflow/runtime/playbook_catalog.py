"""Registering playbook versions: the built-in ones and files people give us."""

from __future__ import annotations

from pathlib import Path

from procureflow.adapters.db.instance_store import PlaybookVersion
from procureflow.playbooks import Playbook, list_builtin, load_playbook, validate
from procureflow.runtime.services import Services


def check(svc: Services, source: str, origin: str) -> Playbook:
    """Parse and validate a playbook, including the custom functions it calls and the
    literal endpoints the egress policy refuses."""
    playbook = load_playbook(source, origin)
    validate(playbook, known_functions=svc.functions.names(), egress=svc.settings.egress_policy())
    return playbook


def register_source(svc: Services, source: str, origin: str) -> PlaybookVersion:
    """Validate and store a playbook version (idempotent for the same text)."""
    playbook = check(svc, source, origin)
    return svc.instances.register_playbook(
        namespace=playbook.document.namespace,
        name=playbook.document.name,
        version=playbook.document.version,
        source=source,
        origin=origin,
    )


def register_file(svc: Services, path: Path) -> PlaybookVersion:
    """Validate and store the playbook in ``path``."""
    return register_source(svc, path.read_text(encoding="utf-8"), path.name)


def register_builtin_playbooks(svc: Services) -> list[PlaybookVersion]:
    """Register every playbook shipped with the package."""
    return [register_file(svc, path) for path in list_builtin()]


__all__ = ["check", "register_builtin_playbooks", "register_file", "register_source"]
