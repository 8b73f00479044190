"""Durations written inline and in ISO 8601 mean the same length of time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from procureflow.playbooks.durations import check_duration, duration_seconds

parts = st.fixed_dictionaries(
    {},
    optional={
        "days": st.integers(0, 400),
        "hours": st.integers(0, 48),
        "minutes": st.integers(0, 120),
        "seconds": st.integers(0, 120),
    },
).filter(bool)


@given(parts)
def test_inline_and_iso_forms_agree(duration: dict[str, int]) -> None:
    iso = "P" + (f"{duration['days']}D" if "days" in duration else "")
    time = "".join(
        f"{duration[unit]}{letter}"
        for unit, letter in (("hours", "H"), ("minutes", "M"), ("seconds", "S"))
        if unit in duration
    )
    iso += f"T{time}" if time else ""
    if iso == "P":
        iso = "PT0S"
    assert check_duration(iso) == iso and check_duration(duration) == duration
    assert duration_seconds(iso) == pytest.approx(duration_seconds(duration))


def test_fractions_weeks_and_milliseconds() -> None:
    assert duration_seconds("PT1.5S") == 1.5
    assert duration_seconds("P1W") == 7 * 86400
    assert duration_seconds({"milliseconds": 250}) == 0.25


@pytest.mark.parametrize("bad", ["P", "PT", "5 minutes", "PT1H30", {"weeks": 1}, {}, 12])
def test_malformed_durations_are_refused(bad: object) -> None:
    with pytest.raises(PydanticCustomError):
        check_duration(bad)
