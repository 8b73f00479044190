"""Small helpers for interpreter tests: build playbooks and in-memory runtimes."""

from __future__ import annotations

import textwrap
from typing import Any

from procureflow.playbooks import Playbook, load_playbook
from procureflow.runtime.memory import FakeClock, InMemoryRuntime


def playbook(body: str, *, use: str = "", name: str = "test") -> Playbook:
    """A playbook whose ``do`` list (and optional ``use`` block) is ``body``."""
    text = (
        "document:\n  dsl: '1.0.0'\n  namespace: tests\n"
        f"  name: {name}\n  version: '1.0.0'\n"
        + textwrap.dedent(use)
        + "do:\n"
        + textwrap.indent(textwrap.dedent(body), "  ")
    )
    return load_playbook(text, f"{name}.yaml")


def runtime(**kwargs: Any) -> InMemoryRuntime:
    """An in-memory runtime on a fake clock (timers cost no real time)."""
    return InMemoryRuntime(clock=FakeClock(), **kwargs)
