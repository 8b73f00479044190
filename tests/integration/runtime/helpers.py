"""Helpers for runtime tests: write playbooks, wait for instances."""

from __future__ import annotations

import time
from typing import Any

from procureflow.runtime.launch import start_instance
from procureflow.runtime.playbook_catalog import register_source
from procureflow.runtime.services import Services


def playbook(name: str, body: str, version: str = "1.0.0", extra: str = "") -> str:
    """A playbook document with the standard header."""
    return (
        f"document:\n  dsl: '1.0.0'\n  namespace: test\n  name: {name}\n  version: '{version}'\n"
        + extra
        + body
    )


def run(svc: Services, source: str, input: Any = None, *, actor: str = "test") -> str:
    """Register ``source`` and start an instance of it as ``actor``."""
    version = register_source(svc, source, "test.yaml")
    return start_instance(svc, version, input if input is not None else {}, actor=actor)


def wait_for(
    svc: Services, instance_id: str, *statuses: str, timeout: float = 30.0
) -> dict[str, Any]:
    """Poll until the instance reaches one of ``statuses``; fail with its state otherwise."""
    deadline = time.monotonic() + timeout
    data: dict[str, Any] = {}
    while time.monotonic() < deadline:
        data = svc.instances.instance(instance_id)
        if data["status"] in statuses:
            return data
        time.sleep(0.05)
    raise AssertionError(
        f"instance {instance_id} still {data.get('status')} after {timeout}s: {data}"
    )
