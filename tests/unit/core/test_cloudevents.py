"""CloudEvents 1.0 envelope validation."""

from __future__ import annotations

import pytest

from procureflow.domain.cloudevents import new_event, validate_event
from procureflow.errors import EventInvalid


def test_a_complete_event_is_accepted_and_time_normalised() -> None:
    event = validate_event(
        {
            "specversion": "1.0",
            "id": "42",
            "source": "portal",
            "type": "supplier.delay_notice",
            "time": "2026-11-23T10:00:00Z",
            "data": {"po": "PO-1"},
        }
    )
    assert event["time"] == "2026-11-23T10:00:00+00:00"
    assert event["datacontenttype"] == "application/json"


@pytest.mark.parametrize("missing", ["specversion", "id", "source", "type"])
def test_each_required_attribute_is_named_when_missing(missing: str) -> None:
    raw = {"specversion": "1.0", "id": "1", "source": "s", "type": "t"}
    del raw[missing]
    with pytest.raises(EventInvalid, match=missing):
        validate_event(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"specversion": "0.3", "id": "1", "source": "s", "type": "t"}, "specversion"),
        ({"specversion": "1.0", "id": 5, "source": "s", "type": "t"}, "'id' must be a string"),
        (
            {"specversion": "1.0", "id": "1", "source": "s", "type": "t", "time": "yesterday"},
            "RFC 3339",
        ),
        ({"specversion": "1.0", "id": "1", "source": "s", "type": "t", "Bad-Ext": 1}, "Bad-Ext"),
        (
            {
                "specversion": "1.0",
                "id": "1",
                "source": "s",
                "type": "t",
                "data": 1,
                "data_base64": "AA==",
            },
            "not both",
        ),
        (["not", "an", "object"], "JSON object"),
    ],
)
def test_bad_events_get_a_clear_reason(raw: object, message: str) -> None:
    with pytest.raises(EventInvalid, match=message):
        validate_event(raw)


def test_new_events_are_valid_and_unique() -> None:
    first = new_event(type="t", source="s", data={"a": 1})
    second = new_event(type="t", source="s")
    assert validate_event(first)["data"] == {"a": 1}
    assert first["id"] != second["id"]
