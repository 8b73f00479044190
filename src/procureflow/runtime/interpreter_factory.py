"""Builds an interpreter for one instance with the durable ports of this process."""

from __future__ import annotations

from functools import lru_cache

from procureflow.playbooks import Playbook, load_playbook
from procureflow.runtime.durable import DbosDurability
from procureflow.runtime.egress_audit import AuditedHttp
from procureflow.runtime.event_port import DbEventPort
from procureflow.runtime.interpreter import Interpreter
from procureflow.runtime.observer import StoreObserver
from procureflow.runtime.services import Services


@lru_cache(maxsize=256)
def _parsed(source: str, origin: str) -> Playbook:
    # A playbook version never changes (its id is the hash of its text), so parsing
    # and compiling its expressions once per process is safe.
    return load_playbook(source, origin)


def build_interpreter(svc: Services, instance_id: str, source: str, origin: str) -> Interpreter:
    """An interpreter over the instance's snapshot, wired to DBOS and the store."""
    from procureflow.runtime.workflows import run_branch_workflow

    return Interpreter(
        _parsed(source, origin),
        instance_id=instance_id,
        durability=DbosDurability(instance_id, run_branch_workflow),
        functions=svc.functions,
        events=DbEventPort(svc, instance_id),
        observer=StoreObserver(svc.instances, instance_id),
        http=AuditedHttp(svc.http, svc.audit, instance_id),
    )


__all__ = ["build_interpreter"]
