"""One contract for both event ports: what a ``listen`` receives must not depend on whether
the in-memory port or the database port runs it.

The database port once dropped an answer that arrived before its ``listen`` subscribed
(the in-memory port kept it), so supplier answers were lost under load while these
scenarios passed on the fake alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from procureflow.config import Settings
from procureflow.playbooks import load_playbook
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.memory import InMemoryRuntime
from tests.integration.runtime.helpers import run, wait_for

REPLY = "com.example.supplier.replied.v1"

# The answer is sent while the instance is still in its first task, before the listen
# task has subscribed.
LATE_LISTEN = """document:
  dsl: '1.0.0'
  namespace: test
  name: late-listen
  version: '1.0.0'
do:
  - prepare:
      wait:
        seconds: 2
  - awaitReply:
      listen:
        to:
          one:
            with:
              type: com.example.supplier.replied.v1
            correlate:
              order:
                from: .data.po
                expect: ${ .po }
      timeout:
        after:
          seconds: 20
  - second:
      listen:
        to:
          one:
            with:
              type: com.example.supplier.replied.v1
            correlate:
              order:
                from: .data.po
                expect: ${ $workflow.input.po }
      timeout:
        after:
          seconds: 20
      output:
        as: '${ { first: $input, second: . } }'
"""


def _reply(event_id: str, po: str, answer: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": "https://supplier.example",
        "type": REPLY,
        "data": {"po": po, "answer": answer},
    }


@dataclass
class Harness:
    """Start an instance, hand it events as the intake would, read its output."""

    start: Callable[[dict[str, Any]], str]
    send: Callable[[dict[str, Any]], None]
    output: Callable[[str], Any]
    listening_in: Callable[[str, str], bool]

    def wait_until_listening(self, instance_id: str, task: str) -> None:
        deadline = time.monotonic() + 60
        while not self.listening_in(instance_id, task):
            assert time.monotonic() < deadline, f"{instance_id} never listened in {task}"
            time.sleep(0.05)


@pytest.fixture
def memory_port() -> Iterator[Harness]:
    rt = InMemoryRuntime()
    book = load_playbook(LATE_LISTEN)
    results: dict[str, Any] = {}
    threads: list[threading.Thread] = []

    def start(data: dict[str, Any]) -> str:
        instance_id = f"mem-{len(threads)}"

        def body() -> None:
            results[instance_id] = rt.run(book, data, instance_id=instance_id)

        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        threads.append(thread)
        return instance_id

    def output(instance_id: str) -> Any:
        threads[int(instance_id.split("-")[1])].join(timeout=60)
        return results.get(instance_id)

    def listening_in(instance_id: str, task: str) -> bool:  # noqa: ARG001 - one instance
        return any(r.name == task for r in rt.observer.waiting)

    yield Harness(start, lambda event: rt.events.deliver(event) and None, output, listening_in)


@pytest.fixture
def database_port(runtime: Any) -> Harness:
    dispatcher = EventDispatcher(runtime)

    def output(instance_id: str) -> Any:
        return wait_for(runtime, instance_id, "completed", "faulted", timeout=60)["output"]

    def listening_in(instance_id: str, task: str) -> bool:
        # the task before it is done and the instance has an open subscription again
        names = [t["name"] for t in runtime.instances.instance(instance_id)["tasks"]]
        before = {"second": "awaitReply", "awaitReply": "prepare"}[task]
        subscribed = any(s.instance_id == instance_id for s in runtime.events.open_subscriptions())
        return before in names and subscribed

    return Harness(
        lambda data: run(runtime, LATE_LISTEN, data),
        lambda event: dispatcher.ingest(event, actor="test") and None,
        output,
        listening_in,
    )


@pytest.fixture(params=["memory", "database"])
def port(request: pytest.FixtureRequest, settings: Settings) -> Harness:  # noqa: ARG001
    harness: Harness = request.getfixturevalue(f"{request.param}_port")
    return harness


@pytest.mark.slow
def test_an_answer_before_the_listen_is_delivered_once_and_only_where_it_belongs(
    port: Harness,
) -> None:
    instance = port.start({"po": "PO-1"})
    # both arrive while the instance is still preparing: nobody listens yet
    port.send(_reply("r1", "PO-2", "not mine"))
    port.send(_reply("r2", "PO-1", "yes"))
    # the second listen must not get "yes" again: it waits for a new answer
    port.wait_until_listening(instance, "second")
    port.send(_reply("r3", "PO-1", "and the rest next week"))
    assert port.output(instance) == {
        "first": [{"po": "PO-1", "answer": "yes"}],
        "second": [{"po": "PO-1", "answer": "and the rest next week"}],
    }
