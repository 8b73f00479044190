"""Events: idempotent ingestion, triggers (with CEL filters), listen with correlation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.tables import events, instances
from procureflow.errors import EventInvalid, ExpressionError
from procureflow.runtime.dispatch import EventDispatcher
from procureflow.runtime.playbook_catalog import register_source
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for

TRIGGERED = playbook(
    "on-delay",
    """do:
  - remember:
      set:
        po: ${ $workflow.input[0].data.po }
""",
    extra="""  metadata:
    when: "event.data.weeks >= 2"
schedule:
  on:
    one:
      with:
        type: test.delay_notice
""",
)


def _event(event_id: str, weeks: int, type_: str = "test.delay_notice") -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": "https://portal.example",
        "type": type_,
        "data": {"po": f"PO-{event_id}", "weeks": weeks},
    }


def _count(runtime: Services, table: sa.Table) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_an_event_starts_its_playbook_once_and_a_repeat_is_a_duplicate(runtime: Services) -> None:
    register_source(runtime, TRIGGERED, "on-delay.yaml")
    dispatcher = EventDispatcher(runtime)
    first = dispatcher.ingest(_event("7", weeks=3), actor="test")
    assert not first.duplicate and len(first.started) == 1
    data = wait_for(runtime, first.started[0], "completed", "faulted")
    assert data["output"] == {"po": "PO-7"}
    again = dispatcher.ingest(_event("7", weeks=3), actor="test")
    assert again.duplicate and again.started == []
    assert _count(runtime, instances) == 1


def test_the_cel_filter_keeps_small_delays_from_starting_anything(runtime: Services) -> None:
    register_source(runtime, TRIGGERED, "on-delay.yaml")
    result = EventDispatcher(runtime).ingest(_event("8", weeks=1), actor="test")
    assert result.started == []
    assert _count(runtime, events) == 1


def test_an_event_without_required_attributes_is_refused_and_not_stored(runtime: Services) -> None:
    with pytest.raises(EventInvalid, match="source"):
        EventDispatcher(runtime).ingest(
            {"specversion": "1.0", "id": "1", "type": "t"}, actor="test"
        )
    assert _count(runtime, events) == 0


def test_a_cel_syntax_error_in_a_trigger_names_the_playbook(runtime: Services) -> None:
    broken = TRIGGERED.replace("event.data.weeks >= 2", "event.data.weeks >=")
    register_source(runtime, broken.replace("on-delay", "broken-trigger"), "broken.yaml")
    with pytest.raises(ExpressionError, match="broken-trigger"):
        EventDispatcher(runtime).ingest(_event("9", weeks=3), actor="test")
    assert _count(runtime, events) == 0


def test_listen_waits_for_the_correlated_event_only(runtime: Services) -> None:
    source = playbook(
        "await-confirmation",
        """do:
  - awaitConfirmation:
      listen:
        to:
          one:
            with:
              type: supplier.confirmed
            correlate:
              po:
                from: .data.po
                expect: ${ .po }
  - done:
      set:
        confirmed: true
""",
    )
    instance_id = run(runtime, source, {"po": "PO-1"})
    wait_for(runtime, instance_id, "waiting")
    dispatcher = EventDispatcher(runtime)
    other = dispatcher.ingest(
        {
            "specversion": "1.0",
            "id": "c1",
            "source": "s",
            "type": "supplier.confirmed",
            "data": {"po": "PO-2"},
        },
        actor="test",
    )
    assert other.delivered == []
    mine = dispatcher.ingest(
        {
            "specversion": "1.0",
            "id": "c2",
            "source": "s",
            "type": "supplier.confirmed",
            "data": {"po": "PO-1"},
        },
        actor="test",
    )
    assert mine.delivered == [instance_id]
    data = wait_for(runtime, instance_id, "completed", "faulted")
    assert data["output"] == {"confirmed": True}


def test_emit_inside_a_playbook_starts_the_playbook_it_triggers(runtime: Services) -> None:
    register_source(runtime, TRIGGERED, "on-delay.yaml")
    emitter = playbook(
        "emitter",
        """do:
  - announce:
      emit:
        event:
          with:
            source: https://procureflow.test/emitter
            type: test.delay_notice
            data:
              po: PO-E
              weeks: 4
""",
    )
    wait_for(runtime, run(runtime, emitter), "completed")
    started = runtime.instances.list_instances(name="on-delay")
    assert len(started) == 1
    assert wait_for(runtime, started[0]["id"], "completed")["output"] == {"po": "PO-E"}
