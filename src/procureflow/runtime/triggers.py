"""Triggers: which playbooks an event starts.

A playbook declares its trigger in the standard way, ``schedule.on`` with an event
consumption strategy (``one`` or ``any`` of event filters). An optional CEL condition in
``document.metadata.when`` narrows it further, evaluated over ``event`` (the whole
CloudEvent, with ``event.data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from procureflow.adapters.db.instance_store import InstanceStore, PlaybookVersion
from procureflow.playbooks import event_matches, load_playbook
from procureflow.policies.cel import CompiledExpression, activation, compile_expression


@dataclass(frozen=True)
class Trigger:
    """Start ``playbook`` for every event matching one of ``filters`` (and ``when``)."""

    playbook: PlaybookVersion
    filters: tuple[dict[str, Any], ...]
    when: CompiledExpression | None

    def matches(self, event: dict[str, Any]) -> bool:
        """True when the event passes a filter and the CEL condition."""
        if not any(event_matches(f, event) for f in self.filters):
            return False
        return self.when is None or bool(self.when.evaluate(activation({"event": event})))


def trigger_of(playbook: PlaybookVersion) -> Trigger | None:
    """The trigger a playbook declares, or None when it is started by hand only."""
    parsed = load_playbook(playbook.source, f"{playbook.namespace}/{playbook.name}")
    on = parsed.schedule.on if parsed.schedule is not None else None
    if on is None:
        return None
    chosen = ([on.one] if on.one is not None else []) + list(on.any or []) + list(on.all or [])
    filters = [f.model_dump(by_alias=True, exclude_none=True) for f in chosen]
    when_text = (parsed.document.metadata or {}).get("when")
    when = (
        compile_expression(str(when_text), where=f"{playbook.name}: document.metadata.when")
        if when_text
        else None
    )
    return Trigger(playbook=playbook, filters=tuple(filters), when=when)


class TriggerIndex:
    """The triggers of the latest version of every playbook, rebuilt when versions change."""

    def __init__(self, store: InstanceStore) -> None:
        self.store = store
        self._versions: tuple[str, ...] = ()
        self._triggers: list[Trigger] = []

    def matching(self, event: dict[str, Any]) -> list[Trigger]:
        """Every trigger that ``event`` fires."""
        playbooks = self.store.list_playbooks()
        versions = tuple(p.id for p in playbooks)
        if versions != self._versions:
            self._triggers = [t for t in (trigger_of(p) for p in playbooks) if t is not None]
            self._versions = versions
        return [t for t in self._triggers if t.matches(event)]


__all__ = ["Trigger", "TriggerIndex", "trigger_of"]
