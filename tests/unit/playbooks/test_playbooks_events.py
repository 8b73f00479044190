"""Which incoming CloudEvents satisfy a waiting listen's concrete filter."""

from __future__ import annotations

from procureflow.playbooks import event_matches

EVENT = {
    "specversion": "1.0",
    "id": "e-1",
    "source": "https://suppliers.example/acme",
    "type": "com.example.supplier.replied.v1",
    "data": {"orderId": "PO-7", "accepted": True, "temperature": 39},
}


def test_attributes_match_by_equality_or_whole_regex() -> None:
    assert event_matches({"with": {"type": "com.example.supplier.replied.v1"}}, EVENT)
    assert event_matches({"with": {"source": "https://suppliers\\.example/.*"}}, EVENT)
    assert not event_matches({"with": {"source": "suppliers"}}, EVENT)
    assert not event_matches({"with": {"type": "com.example.other"}}, EVENT)
    assert not event_matches({"with": {"subject": "x"}}, EVENT)


def test_data_matches_when_it_contains_the_given_fields() -> None:
    assert event_matches({"with": {"data": {"orderId": "PO-7"}}}, EVENT)
    assert not event_matches({"with": {"data": {"orderId": "PO-8"}}}, EVENT)


def test_expressions_left_in_a_filter_are_predicates_on_the_attribute() -> None:
    assert event_matches({"with": {"data": "${ .temperature > 38 }"}}, EVENT)
    assert not event_matches({"with": {"data": "${ .temperature > 40 }"}}, EVENT)


def test_correlation_keys_must_equal_the_expected_value() -> None:
    correlated = {
        "with": {"type": "com.example.supplier.replied.v1"},
        "correlate": {"order": {"from": ".data.orderId", "expect": "PO-7"}},
    }
    assert event_matches(correlated, EVENT)
    correlated["correlate"]["order"]["expect"] = "PO-8"
    assert not event_matches(correlated, EVENT)


def test_an_empty_filter_matches_any_event() -> None:
    assert event_matches({}, EVENT)
