"""The in-memory ports behave like the durable ones where the interpreter relies on it."""

from __future__ import annotations

from typing import Any

import pytest

import procureflow.playbooks as playbooks
import procureflow.runtime.ports as ports
from procureflow.runtime.memory import FakeClock, InMemoryDurability, InMemoryEvents
from procureflow.runtime.ports import BranchCall


def test_a_step_runs_once_and_replays_its_recorded_value() -> None:
    durability = InMemoryDurability(FakeClock())
    calls: list[int] = []
    assert durability.step("k", lambda: calls.append(1) or "first") == "first"
    assert durability.step("k", lambda: calls.append(2) or "second") == "first"
    assert calls == [1]


def test_receive_times_out_on_the_fake_clock_and_replays_the_miss() -> None:
    clock = FakeClock()
    durability = InMemoryDurability(clock)
    assert durability.receive("r1", "topic", 60) is None
    assert clock.slept == [60]
    durability.send("topic", {"n": 1})
    assert durability.receive("r1", "topic", 60) is None  # recorded miss, not the new message
    assert durability.receive("r2", "topic", 60) == {"n": 1}


def test_sleep_happens_once_per_key() -> None:
    clock = FakeClock()
    durability = InMemoryDurability(clock)
    durability.sleep("t", 5)
    durability.sleep("t", 5)
    assert clock.slept == [5]


def test_fork_branches_need_a_runner() -> None:
    durability = InMemoryDurability(FakeClock())
    with pytest.raises(RuntimeError, match="branch_runner"):
        durability.run_branches("f", [BranchCall("/do/0/f/fork/branches/0", {}, {}, "f/0")], False)


def test_events_wait_for_a_subscriber_and_reach_only_matching_ones() -> None:
    durability = InMemoryDurability(FakeClock())
    events = InMemoryEvents(durability)
    early = {"type": "reply", "data": {"po": "PO-1"}}
    assert events.deliver(early) == 0
    events.subscribe("i1", "k1", "t1", [{"with": {"type": "reply"}}])
    events.subscribe("i2", "k2", "t2", [{"with": {"type": "other"}}])
    assert durability.receive("a", "t1", 0) == early
    assert durability.receive("b", "t2", 0) is None
    events.unsubscribe("i1", "k1")
    assert events.deliver(early) == 0


@pytest.mark.parametrize("module", [playbooks, ports])
def test_public_api_names_exist(module: Any) -> None:
    names = module.__all__
    assert names and all(hasattr(module, name) for name in names)
